import { type Clock } from '@sagaflow/core';

/** The machine's clock: the default of every `clock` option in this library. */
export const systemClock: Clock = { now: () => new Date() };
