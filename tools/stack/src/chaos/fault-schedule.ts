import { type StackInstanceName } from '../stack/stack-layout';
import { mulberry32 } from '../workload/order-mix';

/** One fault of a chaos run, at `atMs` after the faults start. */
export type Fault =
  | { readonly kind: 'kill'; readonly atMs: number; readonly target: StackInstanceName }
  | {
      readonly kind: 'pause';
      readonly atMs: number;
      readonly target: StackInstanceName;
      readonly durationMs: number;
    }
  | { readonly kind: 'flush-redis'; readonly atMs: number }
  | { readonly kind: 'restart-kafka'; readonly atMs: number };

/** The kinds of {@link Fault}. */
export type FaultKind = Fault['kind'];

/** What {@link faultSchedule} plans. */
export interface FaultScheduleOptions {
  readonly seed: number;
  /** How long faults are injected. */
  readonly windowMs: number;
  /** The processes a kill picks from. */
  readonly killable: readonly StackInstanceName[];
  /** The processes a pause picks from (the participants). */
  readonly pausable: readonly StackInstanceName[];
}

/** A kill every 3–5 s. */
const KILL_EVERY_MS = { min: 3_000, max: 5_000 } as const;
/** A pause of 30–60 s. */
const PAUSE_MS = { min: 30_000, max: 60_000 } as const;
/** Where in the window the one-off faults fall. */
const PAUSE_AT = 0.1;
const FLUSH_AT = 0.45;
const KAFKA_AT = 0.7;

/**
 * The faults of a chaos run, in time order: a SIGKILL (then a restart) of a random
 * killable process every 3–5 s, and once each — when the window is long enough to hold
 * them — a pause of a random participant for 30–60 s (at a tenth of the window), a loss of
 * Redis (at 45 %) and a restart of the Kafka broker (at 70 %). Pure: the same options give
 * the same schedule.
 *
 * @example
 * ```ts
 * faultSchedule({ seed: 1, windowMs: 60_000, killable, pausable }).map((f) => f.kind);
 * ```
 */
export function faultSchedule(options: FaultScheduleOptions): Fault[] {
  const random = mulberry32(options.seed ^ 0x5eed);
  const between = (low: number, high: number) => Math.round(low + random() * (high - low));
  const pick = <T>(items: readonly T[]): T | undefined =>
    items[Math.floor(random() * items.length)];
  const faults: Fault[] = [];
  const { windowMs } = options;
  for (let at = between(KILL_EVERY_MS.min, KILL_EVERY_MS.max); at < windowMs;) {
    const target = pick(options.killable);
    if (target !== undefined) faults.push({ kind: 'kill', atMs: at, target });
    at += between(KILL_EVERY_MS.min, KILL_EVERY_MS.max);
  }
  if (windowMs >= 20_000) {
    const target = pick(options.pausable);
    if (target !== undefined) {
      faults.push({
        kind: 'pause',
        atMs: Math.round(windowMs * PAUSE_AT),
        target,
        durationMs: between(PAUSE_MS.min, PAUSE_MS.max),
      });
    }
    faults.push({ kind: 'flush-redis', atMs: Math.round(windowMs * FLUSH_AT) });
    faults.push({ kind: 'restart-kafka', atMs: Math.round(windowMs * KAFKA_AT) });
  }
  return faults.sort((a, b) => a.atMs - b.atMs);
}
