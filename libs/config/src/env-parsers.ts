import { z } from 'zod';

import type { EnvParser } from './env-var';

// Every parser treats an unset or blank variable as "use the default" (compose files and
// shells often export empty values), except text that explicitly allows the empty string.

function blank(raw: string | undefined): raw is undefined {
  return raw === undefined || raw.trim() === '';
}

function parser<T>(
  expected: string,
  parse: (raw: string) => T | undefined,
  defaultValue: T | undefined,
): EnvParser<T> {
  return z
    .string({ error: expected })
    .optional()
    .transform((raw, ctx): T => {
      if (blank(raw)) {
        if (defaultValue !== undefined) return defaultValue;
        ctx.addIssue({ code: 'custom', message: `${expected} (required)` });
        return z.NEVER;
      }
      const value = parse(raw.trim());
      if (value === undefined) {
        ctx.addIssue({ code: 'custom', message: expected });
        return z.NEVER;
      }
      return value;
    });
}

/** Options of {@link envInteger}. */
export interface EnvIntegerOptions {
  /** Value when the variable is unset or blank; required when omitted. */
  readonly default?: number;
  /** Smallest allowed value. @defaultValue `Number.MIN_SAFE_INTEGER` */
  readonly min?: number;
  /** Largest allowed value. @defaultValue `Number.MAX_SAFE_INTEGER` */
  readonly max?: number;
}

/**
 * A decimal integer within `[min, max]`.
 *
 * @example
 * ```ts
 * envVar('SAGAFLOW_WORKER_CONCURRENCY', envInteger({ default: 4, min: 1, max: 256 }));
 * ```
 */
export function envInteger(options: EnvIntegerOptions = {}): EnvParser<number> {
  const min = options.min ?? Number.MIN_SAFE_INTEGER;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  const expected =
    options.min === undefined && options.max === undefined
      ? 'an integer'
      : options.max === undefined
        ? `an integer ≥ ${min}`
        : `an integer from ${min} to ${max}`;
  return parser(
    expected,
    (raw) => {
      if (!/^-?\d+$/.test(raw)) return undefined;
      const n = Number(raw);
      return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
    },
    options.default,
  );
}

/** A TCP port, 1–65535. */
export function envPort(defaultValue?: number): EnvParser<number> {
  return envInteger({
    min: 1,
    max: 65535,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  });
}

/**
 * One of a fixed set of words (compared without case).
 *
 * @example
 * ```ts
 * envVar('SAGAFLOW_MYSQL_DRIVER', envEnum(['mariadb', 'mysql'], 'mariadb'));
 * ```
 */
export function envEnum<const T extends string>(
  values: readonly T[],
  defaultValue?: T,
): EnvParser<T> {
  return parser(
    `one of ${values.join(', ')}`,
    (raw) => values.find((v) => v.toLowerCase() === raw.toLowerCase()),
    defaultValue,
  );
}

/** Options of {@link envText}. */
export interface EnvTextOptions {
  /** Value when the variable is unset; required when omitted. */
  readonly default?: string;
  /** Accept the empty string as a value (a password may be empty). @defaultValue `false` */
  readonly allowEmpty?: boolean;
  /** A pattern the value must match, with its description for the error message. */
  readonly pattern?: { readonly regex: RegExp; readonly description: string };
}

/**
 * Free text, trimmed.
 *
 * @example
 * ```ts
 * envVar('SAGAFLOW_MYSQL_PASSWORD', envText({ default: '', allowEmpty: true }));
 * ```
 */
export function envText(options: EnvTextOptions = {}): EnvParser<string> {
  const expected = options.pattern?.description ?? 'a non-empty string';
  if (options.allowEmpty === true) {
    return z
      .string({ error: expected })
      .optional()
      .transform((raw, ctx): string => {
        if (raw === undefined) {
          if (options.default !== undefined) return options.default;
          ctx.addIssue({ code: 'custom', message: `${expected} (required)` });
          return z.NEVER;
        }
        if (raw !== '' && options.pattern !== undefined && !options.pattern.regex.test(raw)) {
          ctx.addIssue({ code: 'custom', message: expected });
          return z.NEVER;
        }
        return raw;
      });
  }
  return parser(
    expected,
    (raw) => (options.pattern === undefined || options.pattern.regex.test(raw) ? raw : undefined),
    options.default,
  );
}

const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$/;

/** True for a host name, an IPv4 address or a bracketed IPv6 address. */
function isHost(value: string): boolean {
  return HOST.test(value);
}

/** True for `host:port` with a port from 1 to 65535. */
function isHostPort(value: string): boolean {
  const colon = value.lastIndexOf(':');
  if (colon <= 0) return false;
  const port = value.slice(colon + 1);
  return (
    isHost(value.slice(0, colon)) &&
    /^\d{1,5}$/.test(port) &&
    Number(port) >= 1 &&
    Number(port) <= 65535
  );
}

/** A host name or IP address (no scheme, no port). */
export function envHost(defaultValue?: string): EnvParser<string> {
  return parser(
    'a host name or IP address',
    (raw) => (isHost(raw) ? raw : undefined),
    defaultValue,
  );
}

/**
 * A comma-separated list of `host:port` (Kafka bootstrap brokers).
 *
 * @example
 * ```ts
 * envVar('SAGAFLOW_KAFKA_BROKERS', envHostPorts(['127.0.0.1:9092']));
 * ```
 */
export function envHostPorts(defaultValue?: readonly string[]): EnvParser<readonly string[]> {
  return parser(
    'a comma-separated list of host:port',
    (raw) => {
      const items = raw.split(',').map((s) => s.trim());
      return items.every(isHostPort) ? items : undefined;
    },
    defaultValue,
  );
}

/**
 * A URL with one of the given schemes, e.g. `redis://127.0.0.1:6379`.
 *
 * @example
 * ```ts
 * envVar('SAGAFLOW_REDIS_URL', envUrl(['redis', 'rediss'], 'redis://127.0.0.1:6379'));
 * ```
 */
export function envUrl(schemes: readonly string[], defaultValue?: string): EnvParser<string> {
  const pattern = new RegExp(`^(?:${schemes.join('|')})://[^\\s/?#]+(?:[/?#]\\S*)?$`, 'i');
  return parser(
    `a ${schemes.map((s) => `${s}://`).join(' or ')} URL`,
    (raw) => (pattern.test(raw) ? raw : undefined),
    defaultValue,
  );
}

/**
 * `true` or `false` (also `1`/`0`, `yes`/`no`, `on`/`off`, any case).
 *
 * @example
 * ```ts
 * envVar('SAGAFLOW_KAFKA_SSL', envBoolean(false));
 * ```
 */
export function envBoolean(defaultValue?: boolean): EnvParser<boolean> {
  return parser(
    'true or false',
    (raw) => {
      const value = raw.toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(value)) return true;
      if (['false', '0', 'no', 'off'].includes(value)) return false;
      return undefined;
    },
    defaultValue,
  );
}
