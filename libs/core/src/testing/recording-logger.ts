import { type LogFields, type Logger } from '../ports/logger';

/** One line a {@link RecordingLogger} recorded, with the fields of its children merged in. */
export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: LogFields;
}

/**
 * A {@link Logger} that keeps every line in memory, for tests that check what was logged
 * and with which fields. Children share the parent's lines.
 *
 * @example
 * ```ts
 * const logger = new RecordingLogger();
 * logger.child({ sagaId: 's-1' }).warn('slow', { ms: 900 });
 * logger.lines; // [{ level: 'warn', message: 'slow', fields: { sagaId: 's-1', ms: 900 } }]
 * ```
 */
export class RecordingLogger implements Logger {
  readonly lines: LogLine[];
  readonly #fields: LogFields;

  constructor(fields: LogFields = {}, lines: LogLine[] = []) {
    this.#fields = fields;
    this.lines = lines;
  }

  debug(message: string, fields?: LogFields): void {
    this.#record('debug', message, fields);
  }

  info(message: string, fields?: LogFields): void {
    this.#record('info', message, fields);
  }

  warn(message: string, fields?: LogFields): void {
    this.#record('warn', message, fields);
  }

  error(message: string, fields?: LogFields): void {
    this.#record('error', message, fields);
  }

  child(fields: LogFields): Logger {
    return new RecordingLogger({ ...this.#fields, ...fields }, this.lines);
  }

  #record(level: LogLine['level'], message: string, fields: LogFields = {}): void {
    this.lines.push({ level, message, fields: { ...this.#fields, ...fields } });
  }
}
