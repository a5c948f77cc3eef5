/** The current time. Core never reads the clock itself; the runtime passes one in. */
export interface Clock {
  now(): Date;
}

/** The machine's clock: the default of every `clock` option of the runtime libraries. */
export const systemClock: Clock = { now: () => new Date() };
