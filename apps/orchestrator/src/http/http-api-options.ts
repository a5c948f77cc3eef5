import { checkOptions, isNonNegativeInteger, isPositiveInteger } from '@sagaflow/config';

import { type ApiToken, apiTokenProblems } from './api-tokens';

/** Whether the API asks for tokens: `off` is for local development only. */
export type AuthenticationMode = 'on' | 'off';

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
  /**
   * The API tokens (stored as SHA-256 hashes) and their roles. Every route but `/health`,
   * `/ready` and (see {@link metricsPublic}) `/metrics` needs one, sent as
   * `Authorization: Bearer <token>`; with none configured, they all answer 401. A token's
   * `name` is the actor of the actions taken with it. Names are unique.
   * @defaultValue `[]`
   */
  readonly apiTokens?: readonly ApiToken[];
  /**
   * `off` serves every route without a token, as an `admin` named `anonymous` (local
   * development only; logged at warn when the API is created).
   * @defaultValue `'on'`
   */
  readonly authentication?: AuthenticationMode;
  /**
   * Whether `GET /metrics` answers without a token (Prometheus scrapes); false: it needs a
   * `viewer` token.
   * @defaultValue `true`
   */
  readonly metricsPublic?: boolean;
  /**
   * Writes (`POST`: starting sagas, admin actions) one token may send per minute on this
   * instance, 0–1000000; past it, 429 `RATE_LIMITED` with `Retry-After`. 0 = no limit.
   * Reads are not limited.
   * @defaultValue `120`
   */
  readonly writeRateLimitPerMinute?: number;
}

/** {@link HttpApiOptions} with every default applied. */
export interface ResolvedHttpApiOptions {
  readonly bodyLimitBytes: number;
  readonly readyCheckTimeoutMs: number;
  readonly quietPaths: ReadonlySet<string>;
  readonly requestIdHeader: string;
  readonly apiTokens: readonly ApiToken[];
  readonly authentication: AuthenticationMode;
  readonly metricsPublic: boolean;
  readonly writeRateLimitPerMinute: number;
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
  const apiTokens = options.apiTokens ?? [];
  const authentication = options.authentication ?? 'on';
  const metricsPublic = options.metricsPublic ?? true;
  const writeRateLimitPerMinute = options.writeRateLimitPerMinute ?? 120;
  const tokenProblems = Array.isArray(apiTokens)
    ? apiTokenProblems(apiTokens)
    : ['not a list of { name, role, sha256 }'];
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
    // Its value is never shown (the name marks it secret), and the problems name no hash.
    [
      'apiTokens',
      '[tokens]',
      tokenProblems.length === 0,
      `a list of { name, role, sha256 } (${tokenProblems.join('; ')})`,
    ],
    ['authentication', authentication, ['on', 'off'].includes(authentication), "'on' or 'off'"],
    ['metricsPublic', metricsPublic, typeof metricsPublic === 'boolean', 'a boolean'],
    [
      'writeRateLimitPerMinute',
      writeRateLimitPerMinute,
      isNonNegativeInteger(writeRateLimitPerMinute) && writeRateLimitPerMinute <= 1_000_000,
      'an integer from 0 to 1000000',
    ],
  ]);
  return {
    bodyLimitBytes,
    readyCheckTimeoutMs,
    quietPaths: new Set(quietPaths),
    requestIdHeader,
    apiTokens: apiTokens.map((token) => ({ ...token, sha256: token.sha256.toLowerCase() })),
    authentication,
    metricsPublic,
    writeRateLimitPerMinute,
  };
}

function isIntegerIn(value: unknown, min: number, max: number): boolean {
  return isPositiveInteger(value) && value >= min && value <= max;
}
