import { describeError } from '../errors/errors';

/** Structured fields of a log line: `sagaId`, `messageId`, `step`, … */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * The logging port the engine writes to. `@sagaflow/observability` implements it with
 * winston (JSON lines); tests can pass {@link noopLogger}.
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

/** A logger that drops everything. */
export const noopLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => noopLogger,
};

/** The keys of an observer whose value is a function of at most one argument. */
type ObserverHook<O> = {
  [K in keyof O]-?: NonNullable<O[K]> extends (observation: never) => unknown ? K : never;
}[keyof O];

/** What the hook `K` of the observer `O` is called with. */
type ObservationOf<O, K extends keyof O> = Parameters<
  Extract<NonNullable<O[K]>, (observation: never) => unknown>
>[0];

/**
 * Calls `observer[hook](observation)` if the observer has that hook. A hook that throws is
 * logged at error level as `${component} observer hook ${hook} threw`, with `fields` and
 * the described error, and the caller carries on: watching never breaks the work.
 *
 * @example
 * ```ts
 * notifyObserver(observer, 'onPublished', { count, durationMs }, {
 *   logger,
 *   component: 'outbox relay',
 * });
 * ```
 */
export function notifyObserver<O extends object, K extends ObserverHook<O> & keyof O>(
  observer: O,
  hook: K,
  observation: ObservationOf<O, K>,
  options: {
    readonly logger: Logger;
    /** Who calls the observer, first word(s) of the log line: `outbox relay`, `saga engine`. */
    readonly component: string;
    /** Context the log line carries besides the error: `queue`, `sagaId`. */
    readonly fields?: LogFields;
  },
): void {
  const callback = observer[hook];
  if (typeof callback !== 'function') return;
  try {
    (callback as (this: O, observation: ObservationOf<O, K>) => unknown).call(
      observer,
      observation,
    );
  } catch (error: unknown) {
    options.logger.error(`${options.component} observer hook ${String(hook)} threw`, {
      ...options.fields,
      error: describeError(error),
    });
  }
}
