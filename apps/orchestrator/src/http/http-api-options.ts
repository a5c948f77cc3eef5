import { checkOptions, isPositiveInteger } from '@sagaflow/config';

/** Options of {@link createHttpApi}. */
export interface HttpApiOptions {
  /**
   * The largest request body accepted, in bytes, from 1 KiB to 64 MiB; a larger one is
   * answered 413.
   * @defaultValue `1048576` (1 MiB)
   */
  readonly bodyLimitBytes?: number;
  /**
   * How long each `GET /ready` check may take, in milliseconds, from 10 to 60000; a slower
   * one counts as failed.
   * @defaultValue `2000`
   */
  readonly readyCheckTimeoutMs?: number;
  /**
   * Paths whose request lines are logged at debug instead of info: probes and scrapes that
   * would drown the log.
   * @defaultValue `['/health', '/ready', '/metrics']`
   */
  readonly quietPaths?: readonly string[];
  /**
   * The header that carries the request id: taken from the request when it is 1–128
   * characters of `[A-Za-z0-9._:-]` (else a new UUID), written on every log line of the
   * request and echoed on the response. Lower-case.
   * @defaultValue `'x-request-id'`
   */
  readonly requestIdHeader?: string;
}

/** {@link HttpApiOptions} with every default applied. */
export interface ResolvedHttpApiOptions {
  readonly bodyLimitBytes: number;
  readonly readyCheckTimeoutMs: number;
  readonly quietPaths: ReadonlySet<string>;
  readonly requestIdHeader: string;
}

const HEADER_NAME = /^[a-z0-9-]{1,64}$/;

/**
 * Applies the defaults of {@link HttpApiOptions} and validates every field.
 *
 * @throws OptionsError naming each bad field and its value.
 *
 * @example
 * ```ts
 * resolveHttpApiOptions({ bodyLimitBytes: 10 });
 * // OptionsError: createHttpApi: invalid options: bodyLimitBytes=10 (expected an integer from 1024 to 67108864)
 * ```
 */
export function resolveHttpApiOptions(options: HttpApiOptions = {}): ResolvedHttpApiOptions {
  const bodyLimitBytes = options.bodyLimitBytes ?? 1_048_576;
  const readyCheckTimeoutMs = options.readyCheckTimeoutMs ?? 2_000;
  const quietPaths = options.quietPaths ?? ['/health', '/ready', '/metrics'];
  const requestIdHeader = options.requestIdHeader ?? 'x-request-id';
  checkOptions('createHttpApi', [
    [
      'bodyLimitBytes',
      bodyLimitBytes,
      isIntegerIn(bodyLimitBytes, 1024, 64 * 1024 * 1024),
      'an integer from 1024 to 67108864',
    ],
    [
      'readyCheckTimeoutMs',
      readyCheckTimeoutMs,
      isIntegerIn(readyCheckTimeoutMs, 10, 60_000),
      'an integer from 10 to 60000',
    ],
    [
      'quietPaths',
      quietPaths,
      Array.isArray(quietPaths) &&
        quietPaths.every((path) => typeof path === 'string' && path.startsWith('/')),
      'a list of paths starting with "/"',
    ],
    [
      'requestIdHeader',
      requestIdHeader,
      typeof requestIdHeader === 'string' && HEADER_NAME.test(requestIdHeader),
      'a lower-case header name',
    ],
  ]);
  return {
    bodyLimitBytes,
    readyCheckTimeoutMs,
    quietPaths: new Set(quietPaths),
    requestIdHeader,
  };
}

function isIntegerIn(value: unknown, min: number, max: number): boolean {
  return isPositiveInteger(value) && value >= min && value <= max;
}
