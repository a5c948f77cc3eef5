import { isAbsolute, join } from 'node:path';

import { checkOptions, isNonNegativeInteger, isPositiveInteger } from '@sagaflow/core';

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
  /**
   * How long a RUNNING or COMPENSATING saga may go without a change before `GET /sagas?stuck=true`
   * lists it as stuck, in milliseconds, from 1000 to 30 days (a request may pass its own
   * `stuckAfterMs`). Set it above the longest step timeout and retry back-off of your sagas.
   * @defaultValue `300000` (5 minutes)
   */
  readonly stuckAfterMs?: number;
  /**
   * How long `GET /stats` and `GET /stats/timeline` answer a query from the result they
   * computed last for it, in milliseconds, 0–600000 (0: every call queries). Counting a large
   * `saga_instance` reads whole index ranges; a dashboard polling every few seconds should
   * not.
   * @defaultValue `5000`
   */
  readonly statsCacheMs?: number;
  /** Bounds and timings of `GET /events/stream`. */
  readonly eventStream?: EventStreamOptions;
  /**
   * The dashboard's build (an absolute path to the folder holding its `index.html` and
   * `assets/`), served under `/ui`. When the folder or its `index.html` is missing, `/ui`
   * answers 404 `DASHBOARD_NOT_BUILT` saying so; the rest of the API is unaffected.
   * @defaultValue {@link DEFAULT_DASHBOARD_DIR}, the build of `apps/dashboard` next to this package
   */
  readonly dashboardDir?: string;
}

/**
 * Where the dashboard's build is in the repository: `apps/dashboard/dist`, from this file in
 * `src/http` or `dist/http` of the orchestrator package.
 */
export const DEFAULT_DASHBOARD_DIR = join(__dirname, '..', '..', '..', 'dashboard', 'dist');

/** Options of `GET /events/stream`, the live feed of saga events (server-sent events). */
export interface EventStreamOptions {
  /**
   * Streams open at once on this instance, 1–100000; past it, 503 `STREAM_LIMIT_REACHED`
   * with `Retry-After`.
   * @defaultValue `100`
   */
  readonly maxClients?: number;
  /**
   * How often the instance reads new events while at least one stream is open, 10–60000
   * ms: one query per interval, however many streams are open.
   * @defaultValue `500`
   */
  readonly pollIntervalMs?: number;
  /**
   * Events one stream may queue while its client does not keep up, 1–100000; past it the
   * stream is closed and the client resumes with `Last-Event-ID`.
   * @defaultValue `1000`
   */
  readonly maxQueuedEvents?: number;
  /**
   * How often a comment (`: keep-alive`) is written on an open stream, 10–300000 ms, so
   * that proxies do not close it as idle.
   * @defaultValue `15000`
   */
  readonly heartbeatMs?: number;
  /**
   * How long the stream waits at a gap in the event ids before it moves past it, 0–60000
   * ms. A gap is an append that took its ids and has not committed yet (it shows up within
   * milliseconds) or one that rolled back (it never does); an append that commits later
   * than this after a greater id was streamed is not streamed (its saga's history has it).
   * @defaultValue `2000`
   */
  readonly gapGraceMs?: number;
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
  readonly stuckAfterMs: number;
  readonly statsCacheMs: number;
  readonly eventStream: Required<EventStreamOptions>;
  readonly dashboardDir: string;
}

const HEADER_NAME = /^[a-z0-9-]{1,64}$/;

/** The longest stuck threshold: 30 days. */
export const MAX_STUCK_AFTER_MS = 30 * 86_400_000;

/**
 * Applies the defaults of {@link HttpApiOptions} and validates every field.
 *
 * @throws InvalidArgumentError naming each bad field and its value.
 *
 * @example
 * ```ts
 * resolveHttpApiOptions({ bodyLimitBytes: 10 });
 * // InvalidArgumentError: createHttpApi: invalid options: bodyLimitBytes=10 (expected an integer from 1024 to 67108864)
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
  const stuckAfterMs = options.stuckAfterMs ?? 300_000;
  const statsCacheMs = options.statsCacheMs ?? 5_000;
  const eventStream: Required<EventStreamOptions> = {
    maxClients: options.eventStream?.maxClients ?? 100,
    pollIntervalMs: options.eventStream?.pollIntervalMs ?? 500,
    maxQueuedEvents: options.eventStream?.maxQueuedEvents ?? 1000,
    heartbeatMs: options.eventStream?.heartbeatMs ?? 15_000,
    gapGraceMs: options.eventStream?.gapGraceMs ?? 2000,
  };
  const dashboardDir = options.dashboardDir ?? DEFAULT_DASHBOARD_DIR;
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
    [
      'stuckAfterMs',
      stuckAfterMs,
      isIntegerIn(stuckAfterMs, 1000, MAX_STUCK_AFTER_MS),
      `an integer from 1000 to ${MAX_STUCK_AFTER_MS}`,
    ],
    [
      'statsCacheMs',
      statsCacheMs,
      isNonNegativeInteger(statsCacheMs) && statsCacheMs <= 600_000,
      'an integer from 0 to 600000',
    ],
    ...(
      [
        ['maxClients', 1, 100_000],
        ['pollIntervalMs', 10, 60_000],
        ['maxQueuedEvents', 1, 100_000],
        ['heartbeatMs', 10, 300_000],
        ['gapGraceMs', 0, 60_000],
      ] as const
    ).map(
      ([field, min, max]) =>
        [
          `eventStream.${field}`,
          eventStream[field],
          isNonNegativeInteger(eventStream[field]) &&
            eventStream[field] >= min &&
            eventStream[field] <= max,
          `an integer from ${min} to ${max}`,
        ] as const,
    ),
    [
      'dashboardDir',
      dashboardDir,
      typeof dashboardDir === 'string' && isAbsolute(dashboardDir),
      'an absolute path',
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
    stuckAfterMs,
    statsCacheMs,
    eventStream,
    dashboardDir,
  };
}

function isIntegerIn(value: unknown, min: number, max: number): boolean {
  return isPositiveInteger(value) && value >= min && value <= max;
}
