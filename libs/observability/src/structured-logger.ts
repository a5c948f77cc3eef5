import type { LogFields, Logger } from '@sagaflow/core';
import type { LogLevel } from '@sagaflow/config';
import type * as winston from 'winston';

import { type SanitizeOptions, sanitizeLogValue } from './sanitize-log-value';

/** Levels a line can be written at (every {@link LogLevel} but `silent`). */
export type LineLevel = Exclude<LogLevel, 'silent'>;

/** Keys the line format owns; a field with one of these names is written as `fields.<name>`. */
const RESERVED_KEYS = new Set(['timestamp', 'level', 'message']);

/**
 * The logger {@link createLogger} returns: JSON lines through winston, implementing core's
 * {@link Logger} port. Child loggers share the same output and add their fields (`sagaId`,
 * `messageId`, `step`, `service`, …) to every line.
 */
export class StructuredLogger implements Logger {
  /** @internal Use {@link createLogger}. */
  constructor(
    private readonly sink: winston.Logger,
    private readonly fields: LogFields,
    private readonly sanitizeOptions: SanitizeOptions,
  ) {}

  /** The level below which lines are dropped. */
  get level(): LogLevel {
    return this.sink.silent ? 'silent' : (this.sink.level as LineLevel);
  }

  /** True when a line at `level` would be written; use it to skip building costly fields. */
  isLevelEnabled(level: LineLevel): boolean {
    return !this.sink.silent && this.sink.isLevelEnabled(level);
  }

  debug(message: string, fields?: LogFields): void {
    this.write('debug', message, fields);
  }

  info(message: string, fields?: LogFields): void {
    this.write('info', message, fields);
  }

  warn(message: string, fields?: LogFields): void {
    this.write('warn', message, fields);
  }

  error(message: string, fields?: LogFields): void {
    this.write('error', message, fields);
  }

  /**
   * A logger whose lines carry `fields` as well (later fields win).
   *
   * @example
   * ```ts
   * const log = logger.child({ sagaId, step: 'reserve-credit' });
   * log.info('command dispatched', { attempt: 1 });
   * ```
   */
  child(fields: LogFields): StructuredLogger {
    return new StructuredLogger(this.sink, { ...this.fields, ...fields }, this.sanitizeOptions);
  }

  /** Writes one line at `level`; what {@link kafkaLogCreator} and the level methods call. */
  log(level: LineLevel, message: string, fields?: LogFields): void {
    this.write(level, message, fields);
  }

  private write(level: LineLevel, message: string, fields: LogFields | undefined): void {
    if (!this.isLevelEnabled(level)) return;
    const merged = fields === undefined ? this.fields : { ...this.fields, ...fields };
    const clean = sanitizeLogValue(merged, this.sanitizeOptions) as Record<string, unknown>;
    const entry: winston.LogEntry = {
      level,
      message: sanitizeLogValue(message, this.sanitizeOptions) as string,
    };
    for (const [key, value] of Object.entries(clean)) {
      entry[RESERVED_KEYS.has(key) ? `fields.${key}` : key] = value;
    }
    this.sink.log(entry);
  }
}
