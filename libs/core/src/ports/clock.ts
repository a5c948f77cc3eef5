/** The current time. Core never reads the clock itself; the runtime passes one in. */
export interface Clock {
  now(): Date;
}
