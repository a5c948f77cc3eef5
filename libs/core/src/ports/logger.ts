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
