import { type Clock } from '@sagaflow/core';

/** The machine's clock: the time every decision, lease and timer of the runtime uses. */
export const systemClock: Clock = { now: () => new Date() };
