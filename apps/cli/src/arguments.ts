import { SAGA_STATUSES, type SagaStatus } from './api-types';
import { UsageError } from './errors';

const DURATION_UNITS_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const DURATION = /^(?:\d+(?:ms|s|m|h|d))+$/;
const DURATION_PART = /(\d+)(ms|s|m|h|d)/g;
/** A date, or a date and time with an optional zone (local time without one). */
const ISO_TIME =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Milliseconds of a duration written with units: `500ms`, `30s`, `10m`, `2h`, `1d`, or
 * several together (`1h30m`). Throws `UsageError` naming the option for anything else, a
 * bare number included (no unit is assumed).
 *
 * @example
 * ```ts
 * parseDuration('1h30m', '--stuck-after'); // 5_400_000
 * ```
 */
export function parseDuration(value: string, option: string): number {
  const text = value.trim().toLowerCase();
  if (!DURATION.test(text)) {
    throw new UsageError(
      `${option}: '${value}' is not a duration (a number and a unit: 500ms, 30s, 10m, 2h, 1d)`,
    );
  }
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) {
    ms += Number(amount) * (DURATION_UNITS_MS[unit ?? ''] ?? 0);
  }
  if (ms <= 0) throw new UsageError(`${option}: '${value}' must be longer than 0`);
  if (!Number.isSafeInteger(ms)) throw new UsageError(`${option}: '${value}' is too long`);
  return ms;
}

/**
 * An instant given as ISO-8601 (`2024-05-01`, `2024-05-01T10:00:00Z`; local time without a
 * zone) or relative to `now` (`10m`, `2h`, `1d`: that long ago), as ISO-8601 UTC.
 *
 * @example
 * ```ts
 * parseInstant('2h', '--updated-after', new Date('2024-05-01T12:00:00Z')); // '2024-05-01T10:00:00.000Z'
 * ```
 */
export function parseInstant(value: string, option: string, now: Date): string {
  const text = value.trim();
  if (DURATION.test(text.toLowerCase())) {
    return new Date(now.getTime() - parseDuration(text, option)).toISOString();
  }
  const ms = ISO_TIME.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new UsageError(
      `${option}: '${value}' is neither an ISO-8601 time (2024-05-01T10:00:00Z) nor a time ago (10m, 2h, 1d)`,
    );
  }
  return new Date(ms).toISOString();
}

/** An integer from `min` to `max`; throws `UsageError` naming the option otherwise. */
export function parseInteger(value: string, option: string, min: number, max: number): number {
  const n = /^\s*-?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${option}: '${value}' is not an integer from ${min} to ${max}`);
  }
  return n;
}

/**
 * Saga statuses from `--status` values, each one status or several separated by commas,
 * in any case; duplicates dropped. Throws `UsageError` for an unknown status.
 *
 * @example
 * ```ts
 * parseStatuses(['running,compensating', 'RUNNING']); // ['RUNNING', 'COMPENSATING']
 * ```
 */
export function parseStatuses(values: readonly string[]): SagaStatus[] {
  const statuses: SagaStatus[] = [];
  for (const part of values.flatMap((value) => value.split(','))) {
    const status = part.trim().toUpperCase();
    if (status === '') continue;
    if (!(SAGA_STATUSES as readonly string[]).includes(status)) {
      throw new UsageError(`--status: '${part}' is not a status (${SAGA_STATUSES.join(', ')})`);
    }
    if (!statuses.includes(status as SagaStatus)) statuses.push(status as SagaStatus);
  }
  return statuses;
}

/** The options of `sagaflow list`, as given on the command line. */
export interface SagaListOptions {
  readonly status?: readonly string[];
  readonly type?: string;
  readonly businessKey?: string;
  readonly startedAfter?: string;
  readonly startedBefore?: string;
  readonly updatedAfter?: string;
  readonly updatedBefore?: string;
  readonly stuck?: boolean;
  readonly stuckAfter?: string;
  readonly sort?: string;
  readonly order?: string;
  readonly limit?: string;
  readonly cursor?: string;
}

/**
 * The query of `GET /sagas` for `sagaflow list`'s options: statuses comma-separated, times as
 * ISO-8601 UTC (relative ones counted back from `now`), `--stuck-after` as `stuckAfterMs`
 * (it implies `--stuck`). Options not given are left out, so the API's defaults apply.
 * Throws `UsageError` for a bad value.
 *
 * @example
 * ```ts
 * sagaListQuery({ status: ['RUNNING', 'COMPENSATING'], updatedAfter: '1h' }, now).toString();
 * // 'status=RUNNING%2CCOMPENSATING&updatedAfter=2024-05-01T11%3A00%3A00.000Z'
 * ```
 */
export function sagaListQuery(options: SagaListOptions, now: Date): URLSearchParams {
  const query = new URLSearchParams();
  const statuses = parseStatuses(options.status ?? []);
  if (statuses.length > 0) query.set('status', statuses.join(','));
  if (options.type !== undefined) query.set('sagaType', options.type);
  if (options.businessKey !== undefined) query.set('businessKey', options.businessKey);
  const instants = [
    ['startedAfter', '--started-after', options.startedAfter],
    ['startedBefore', '--started-before', options.startedBefore],
    ['updatedAfter', '--updated-after', options.updatedAfter],
    ['updatedBefore', '--updated-before', options.updatedBefore],
  ] as const;
  for (const [name, option, value] of instants) {
    if (value !== undefined) query.set(name, parseInstant(value, option, now));
  }
  if (options.stuck === true || options.stuckAfter !== undefined) query.set('stuck', 'true');
  if (options.stuckAfter !== undefined) {
    query.set('stuckAfterMs', String(parseDuration(options.stuckAfter, '--stuck-after')));
  }
  if (options.sort !== undefined) query.set('sort', options.sort);
  if (options.order !== undefined) query.set('order', options.order);
  if (options.limit !== undefined) {
    query.set('limit', String(parseInteger(options.limit, '--limit', 1, 500)));
  }
  if (options.cursor !== undefined) query.set('cursor', options.cursor);
  return query;
}

/** The options of `sagaflow dead-letters`, as given on the command line. */
export interface DeadLetterListOptions {
  readonly saga?: string;
  readonly reasonCode?: string;
  readonly topic?: string;
  /** `--replayed` (true) or `--no-replayed` (false); both when unset. */
  readonly replayed?: boolean;
  readonly limit?: string;
  readonly beforeId?: string;
}

/**
 * The query of `GET /dead-letters` for `sagaflow dead-letters`' options. Throws `UsageError`
 * for a bad `--limit`.
 *
 * @example
 * ```ts
 * deadLetterListQuery({ saga: 's-1', replayed: false }).toString(); // 'sagaId=s-1&replayed=false'
 * ```
 */
export function deadLetterListQuery(options: DeadLetterListOptions): URLSearchParams {
  const query = new URLSearchParams();
  if (options.saga !== undefined) query.set('sagaId', options.saga);
  if (options.reasonCode !== undefined) query.set('reasonCode', options.reasonCode);
  if (options.topic !== undefined) query.set('topic', options.topic);
  if (options.replayed !== undefined) query.set('replayed', String(options.replayed));
  if (options.limit !== undefined) {
    query.set('limit', String(parseInteger(options.limit, '--limit', 1, 500)));
  }
  if (options.beforeId !== undefined) query.set('beforeId', options.beforeId);
  return query;
}

/**
 * A saga's input from `--input`: JSON, or `@path` for a file holding it (`@/dev/stdin` reads
 * standard input). Throws `UsageError` when the file cannot be read or the text is not JSON.
 *
 * @example
 * ```ts
 * await parseInput('{"orderId":"o-1"}', readFile); // { orderId: 'o-1' }
 * ```
 */
export async function parseInput(
  value: string,
  readFile: (path: string) => Promise<string>,
): Promise<unknown> {
  const fromFile = value.startsWith('@');
  let text = value;
  if (fromFile) {
    const path = value.slice(1);
    try {
      text = await readFile(path);
    } catch (error: unknown) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new UsageError(`--input: cannot read '${path}': ${reason}`, { cause: error });
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(
      `--input: ${fromFile ? `'${value.slice(1)}' does not hold` : 'is not'} JSON: ${reason}`,
      { cause: error },
    );
  }
}

/**
 * The orchestrator's base URL from `--url` / `SAGAFLOW_URL`: http or https. Throws
 * `UsageError` otherwise.
 */
export function parseBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--url: '${value}' is not a URL (e.g. http://127.0.0.1:8080)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url: '${value}' is not an http or https URL`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new UsageError(`--url: '${value}' must not have a query or a fragment`);
  }
  return url.toString().replace(/\/+$/, '');
}
