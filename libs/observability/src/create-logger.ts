import {
  checkOptions,
  isNonEmptyString,
  isSecretName,
  type LogFields,
  systemClock,
} from '@sagaflow/core';
import { isLogLevel, LOG_LEVELS, type LogLevel } from '@sagaflow/config';
import * as winston from 'winston';
import TransportStream from 'winston-transport';

import type { SanitizeOptions } from './sanitize-log-value';
import { type LineLevel, StructuredLogger } from './structured-logger';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** The service name written as `service` on every line, e.g. `orchestrator`. */
  readonly service: string;
  /** Lines below this level are dropped; `silent` drops all. @defaultValue `'info'` */
  readonly level?: LogLevel;
  /**
   * Where the JSON lines go. Tests pass an in-memory stream.
   * @defaultValue `process.stdout`
   */
  readonly destination?: NodeJS.WritableStream;
  /**
   * More field names whose values are always redacted, on top of the built-in ones
   * (password, secret, token, authorization, apiKey, credentials, cookie, …).
   * @defaultValue `[]`
   */
  readonly redactKeys?: readonly string[];
  /** Fields written on every line besides `service`. @defaultValue `{}` */
  readonly fields?: LogFields;
  /** The time source of the `timestamp` field. @defaultValue the system clock */
  readonly clock?: { now(): Date };
}

/** {@link LoggerOptions} with every default applied. */
interface ResolvedLoggerOptions {
  readonly service: string;
  readonly level: LogLevel;
  readonly destination: NodeJS.WritableStream;
  readonly redactKeys: readonly string[];
  readonly fields: LogFields;
  readonly clock: { now(): Date };
}

/** Winston priorities: lower is more severe. */
const PRIORITIES: Record<LineLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** winston's key for the final, formatted line (triple-beam's MESSAGE). */
const MESSAGE = Symbol.for('message');

/**
 * A winston transport that writes each formatted line, plus `\n`, to a stream. Used instead
 * of winston's `Stream` transport, whose typings declare no class (type-aware lint rejects
 * constructing it) and which adds nothing here.
 */
class LineTransport extends TransportStream {
  constructor(private readonly destination: NodeJS.WritableStream) {
    super();
  }

  override log(info: Record<symbol, unknown>, next: () => void): void {
    const line = info[MESSAGE];
    if (typeof line === 'string') this.destination.write(`${line}\n`);
    next();
  }
}

function resolveLoggerOptions(options: LoggerOptions): ResolvedLoggerOptions {
  const resolved: ResolvedLoggerOptions = {
    service: options.service,
    level: options.level ?? 'info',
    destination: options.destination ?? process.stdout,
    redactKeys: options.redactKeys ?? [],
    fields: options.fields ?? {},
    clock: options.clock ?? systemClock,
  };
  checkOptions('createLogger', [
    ['service', resolved.service, isNonEmptyString(resolved.service), 'a non-empty string'],
    ['level', resolved.level, isLogLevel(resolved.level), `one of ${LOG_LEVELS.join(', ')}`],
    [
      'destination',
      '[stream]',
      typeof (resolved.destination as { write?: unknown }).write === 'function',
      'a writable stream',
    ],
    [
      'redactKeys',
      resolved.redactKeys,
      resolved.redactKeys.every(isNonEmptyString),
      'a list of non-empty field names',
    ],
  ]);
  return resolved;
}

/**
 * Creates the service logger: one JSON object per line on stdout with `timestamp` (ISO
 * 8601), `level`, `service`, `message` and the line's fields; errors anywhere in the
 * fields are written with name, message, code, stack and cause; secrets are redacted at
 * any depth (see {@link LoggerOptions.redactKeys}) and credentials removed from URLs.
 *
 * The result implements core's `Logger` port, so the engine and adapters take it as is.
 *
 * @example
 * ```ts
 * const logger = createLogger({ service: 'orchestrator', level: config.logLevel });
 * logger.child({ sagaId }).error('step failed', { step: 'reserve-credit', err });
 * // {"timestamp":"…","level":"error","service":"orchestrator","message":"step failed","sagaId":"…","step":"reserve-credit","err":{"name":"Error",…}}
 * ```
 */
export function createLogger(options: LoggerOptions): StructuredLogger {
  const o = resolveLoggerOptions(options);
  const extraSecrets = new Set(o.redactKeys.map((k) => k.toLowerCase()));
  const sanitizeOptions: SanitizeOptions = {
    isSecretKey: (key) => isSecretName(key) || extraSecrets.has(key.toLowerCase()),
  };
  const sink = winston.createLogger({
    levels: PRIORITIES,
    level: o.level === 'silent' ? 'error' : o.level,
    silent: o.level === 'silent',
    exitOnError: false,
    format: jsonLineFormat(o.clock),
    transports: [new LineTransport(o.destination)],
  });
  return new StructuredLogger(sink, { service: o.service, ...o.fields }, sanitizeOptions);
}

/** Renders `{ timestamp, level, service, message, …fields }` as one JSON line. */
function jsonLineFormat(clock: { now(): Date }): winston.Logform.Format {
  return winston.format((info) => {
    const { level, message, service, ...fields } = info;
    const line = { timestamp: clock.now().toISOString(), level, service, message, ...fields };
    (info as unknown as Record<symbol, unknown>)[MESSAGE] = JSON.stringify(line);
    return info;
  })();
}
