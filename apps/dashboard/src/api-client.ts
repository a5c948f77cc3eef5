/**
 * The orchestrator's HTTP API as the dashboard uses it: every call sends the API token as
 * `Authorization: Bearer`, and every failure is an {@link ApiError} with the API's code and
 * message, or `UNREACHABLE` when no answer came. The shapes the orchestrator takes from the
 * saga model (statuses, definition graphs, timers, dead letters) are its own types, imported
 * as types only: the bundle holds no library code, and a change of shape fails to compile.
 */
import type {
  DefinitionGraph,
  SagaStatus,
  SagaTimer,
  StepStatus,
  StoredDeadLetter,
} from '@sagaflow/core';

export type {
  DefinitionGraph,
  GraphNode,
  GraphRetryPolicy,
  GraphStepNode,
  SagaStatus,
  SagaTimer,
  StepKind,
  StepStatus,
} from '@sagaflow/core';

/** A dead letter as `GET /dead-letters` answers it: its reason, origin, raw value and last replay. */
export type DeadLetter = StoredDeadLetter;

/** Every saga status, in life-cycle order. */
export const SAGA_STATUSES: readonly SagaStatus[] = [
  'RUNNING',
  'COMPENSATING',
  'COMPLETED',
  'COMPENSATED',
  'COMPENSATION_FAILED',
];

/** The roles of API tokens, least first. */
export type ApiRole = 'viewer' | 'operator' | 'admin';

/** The token's holder, as `GET /whoami` answers. */
export interface Caller {
  readonly name: string;
  readonly role: ApiRole;
}

/** One saga of a `GET /sagas` page. */
export interface SagaSummary {
  readonly sagaId: string;
  readonly sagaType: string;
  readonly sagaVersion: number;
  readonly businessKey: string | null;
  readonly status: SagaStatus;
  readonly activeSteps: readonly string[];
  readonly failureCode: string | null;
  readonly version: number;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly endedAt: string | null;
}

/** A page of a cursor listing. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/** A failure of a step, as the saga recorded it. */
export interface StepFailure {
  readonly code?: string;
  readonly message?: string;
  readonly [field: string]: unknown;
}

/** One step of a saga view, in definition order. */
export interface SagaStepView {
  readonly name: string;
  readonly kind: string | null;
  readonly group: string | null;
  readonly participant: string | null;
  readonly command: string | null;
  readonly status: StepStatus;
  readonly attempt: number;
  readonly compensationAttempt: number;
  readonly mayHaveApplied: boolean;
  readonly lastFailure: StepFailure | null;
}

/** A saga as `GET /sagas/:sagaId` answers it. */
export interface SagaView {
  readonly sagaId: string;
  readonly sagaType: string;
  readonly sagaVersion: number;
  readonly businessKey: string | null;
  readonly status: SagaStatus;
  readonly version: number;
  readonly data: Readonly<Record<string, unknown>>;
  readonly steps: readonly SagaStepView[];
  readonly activeSteps: readonly string[];
  readonly pendingTimers: readonly SagaTimer[];
  readonly failure: {
    readonly step: string | null;
    readonly code: string;
    readonly message: string;
  } | null;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly endedAt: string | null;
}

/** One event of a saga's history. */
export interface SagaHistoryEvent {
  readonly seq: number;
  readonly type: string;
  readonly event: Readonly<Record<string, unknown>>;
  readonly recordedAt: string;
}

/** What `GET /stats` answers (the fields the dashboard shows). */
export interface Stats {
  readonly counts: {
    readonly total: number;
    readonly byStatus: Readonly<Record<SagaStatus, number>>;
    readonly byType: Readonly<Record<string, Readonly<Record<SagaStatus, number>>>>;
  };
  readonly sagasPerSecond: number;
  readonly eventProcess: { readonly failed: number } | null;
}

/** One bucket of `GET /stats/timeline`: what started and ended in it, and how long ended sagas took. */
export interface TimelineBucket {
  /** The bucket's start, ISO-8601. */
  readonly at: string;
  readonly started: number;
  readonly completed: number;
  readonly compensated: number;
  /** Durations of the sagas ended in the bucket (approximate percentiles); null when none ended. */
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number } | null;
}

/** What `GET /stats/timeline` answers: every bucket of the window, oldest first. */
export interface StatsTimeline {
  readonly window: { readonly minutes: number; readonly from: string; readonly to: string };
  readonly bucketSeconds: number;
  readonly buckets: readonly TimelineBucket[];
}

/** A registered definition, as `GET /definitions` lists it. */
export interface DefinitionSummary {
  readonly name: string;
  readonly version: number;
  readonly description: string | null;
}

/** The column a listing is sorted by, and may be bounded on. */
export type SagaSort = 'started' | 'updated';

/** The filters of the saga listing, as `GET /sagas` takes them (`''`: any). */
export interface SagaFilters {
  readonly statuses: readonly SagaStatus[];
  readonly sagaType: string;
  readonly businessKey: string;
  readonly stuck: boolean;
  readonly sort: SagaSort;
  readonly order: 'desc' | 'asc';
  /** A bound on the sorted column, ISO-8601: after it (inclusive). */
  readonly after: string;
  /** A bound on the sorted column, ISO-8601: before it (exclusive). */
  readonly before: string;
}

/** Every saga, newest start first. */
export const ALL_SAGAS: SagaFilters = {
  statuses: [],
  sagaType: '',
  businessKey: '',
  stuck: false,
  sort: 'started',
  order: 'desc',
  after: '',
  before: '',
};

/** An operator's action on a saga. */
export type SagaAction = 'retry-step' | 'abort' | 'resolve' | 'retry-compensation';

/** How many dead letters wait, counted up to a bound. */
export interface BoundedCount {
  readonly count: number;
  /** True when there are more than {@link count}. */
  readonly more: boolean;
}

/** The filters of the dead-letter listing, as `GET /dead-letters` takes them (`''`, `null`: any). */
export interface DeadLetterFilters {
  readonly replayed: boolean | null;
  readonly reasonCode: string;
  readonly topic: string;
  readonly sagaId: string;
}

/** A page of `GET /dead-letters`, newest first. */
export interface DeadLetterPage {
  readonly items: readonly DeadLetter[];
  /** The `beforeId` of the next page; null on the last. */
  readonly nextBeforeId: string | null;
}

/** A call the API refused, or that got no answer (`status` 0, code `UNREACHABLE`). */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  /** The message to show: what the API said, with its code and status. */
  describe(): string {
    if (this.status === 0) return this.message;
    if (this.status === 401) {
      return `The orchestrator refused the token (401 ${this.code}): ${this.message}. Sign in again with a valid token.`;
    }
    return `${this.message} (${this.status} ${this.code})`;
  }
}

/** How many dead letters the overview counts before it says "more". */
const DEAD_LETTER_COUNT_BOUND = 500;

/**
 * The API calls of the dashboard, against the origin that served it.
 *
 * @example
 * ```ts
 * const api = new ApiClient(token);
 * const page = await api.listSagas({ ...ALL_SAGAS, statuses: ['COMPENSATED'] }, null);
 * ```
 */
export class ApiClient {
  constructor(
    readonly token: string,
    private readonly base = '',
  ) {}

  whoami(): Promise<Caller> {
    return this.get<Caller>('/whoami');
  }

  stats(): Promise<Stats> {
    return this.get<Stats>('/stats?windowMinutes=60');
  }

  /** Started and ended sagas and latency percentiles per bucket over the last `windowMinutes`. */
  statsTimeline(windowMinutes: number, bucketSeconds: number): Promise<StatsTimeline> {
    return this.get<StatsTimeline>(
      `/stats/timeline?windowMinutes=${windowMinutes}&bucketSeconds=${bucketSeconds}`,
    );
  }

  async definitions(): Promise<readonly DefinitionSummary[]> {
    const { items } = await this.get<{ items: DefinitionSummary[] }>('/definitions');
    return items;
  }

  definitionGraph(name: string, version: number): Promise<DefinitionGraph> {
    return this.get<DefinitionGraph>(`/definitions/${encodeURIComponent(name)}/${version}/graph`);
  }

  listSagas(filters: SagaFilters, cursor: string | null, limit = 50): Promise<Page<SagaSummary>> {
    const query = new URLSearchParams({ limit: String(limit) });
    if (filters.statuses.length > 0) query.set('status', filters.statuses.join(','));
    if (filters.sagaType !== '') query.set('sagaType', filters.sagaType);
    if (filters.businessKey !== '') query.set('businessKey', filters.businessKey);
    if (filters.stuck) query.set('stuck', 'true');
    // Always sent: the API's default depends on the other filters.
    query.set('sort', filters.sort);
    if (filters.order !== 'desc') query.set('order', filters.order);
    if (filters.after !== '') query.set(`${filters.sort}After`, filters.after);
    if (filters.before !== '') query.set(`${filters.sort}Before`, filters.before);
    if (cursor !== null) query.set('cursor', cursor);
    return this.get<Page<SagaSummary>>(`/sagas?${query.toString()}`);
  }

  getSaga(sagaId: string): Promise<SagaView> {
    return this.get<SagaView>(`/sagas/${encodeURIComponent(sagaId)}`);
  }

  /** The saga's events after `afterSeq`, every page of them. */
  async getEvents(sagaId: string, afterSeq = 0): Promise<SagaHistoryEvent[]> {
    const events: SagaHistoryEvent[] = [];
    let next: number | null = afterSeq;
    while (next !== null) {
      const page: { events: SagaHistoryEvent[]; nextAfterSeq: number | null } = await this.get(
        `/sagas/${encodeURIComponent(sagaId)}/events?afterSeq=${next}&limit=1000`,
      );
      events.push(...page.events);
      next = page.nextAfterSeq;
    }
    return events;
  }

  /** Sends an operator action, refused (409) when the saga moved past `expectedVersion`. */
  act(
    sagaId: string,
    action: SagaAction,
    reason: string,
    expectedVersion: number,
  ): Promise<unknown> {
    return this.request('POST', `/sagas/${encodeURIComponent(sagaId)}/actions/${action}`, {
      reason,
      expectedVersion,
    });
  }

  async deadLettersWaiting(): Promise<BoundedCount> {
    const page = await this.get<{ items: unknown[]; nextBeforeId: string | null }>(
      `/dead-letters?replayed=false&limit=${DEAD_LETTER_COUNT_BOUND}`,
    );
    return { count: page.items.length, more: page.nextBeforeId !== null };
  }

  listDeadLetters(
    filters: DeadLetterFilters,
    beforeId: string | null,
    limit = 50,
  ): Promise<DeadLetterPage> {
    const query = new URLSearchParams({ limit: String(limit) });
    if (filters.replayed !== null) query.set('replayed', String(filters.replayed));
    if (filters.reasonCode !== '') query.set('reasonCode', filters.reasonCode);
    if (filters.topic !== '') query.set('topic', filters.topic);
    if (filters.sagaId !== '') query.set('sagaId', filters.sagaId);
    if (beforeId !== null) query.set('beforeId', beforeId);
    return this.get<DeadLetterPage>(`/dead-letters?${query.toString()}`);
  }

  /**
   * Puts a dead letter back on its topic, stamped with the token's name and `reason`;
   * refused (409) when it was replayed before, unless `force`.
   */
  replayDeadLetter(id: string, reason: string, force: boolean): Promise<DeadLetter> {
    return this.request('POST', `/dead-letters/${encodeURIComponent(id)}/replay`, {
      reason,
      force,
    }) as Promise<DeadLetter>;
  }

  /** `fetch` with the token: for the event stream, which is read as it arrives. */
  fetchWithToken(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${this.token}`);
    return fetch(`${this.base}${path}`, { ...init, headers });
  }

  private get<T>(path: string): Promise<T> {
    return this.request('GET', path) as Promise<T>;
  }

  private async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await this.fetchWithToken(path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error: unknown) {
      throw new ApiError(
        0,
        'UNREACHABLE',
        `The orchestrator cannot be reached (${error instanceof Error ? error.message : String(error)}).`,
      );
    }
    const text = await response.text();
    const json: unknown = text === '' ? null : safeJson(text);
    if (!response.ok) {
      const error = errorOf(json);
      throw new ApiError(
        response.status,
        error?.code ?? `HTTP_${response.status}`,
        error?.message ?? (response.statusText || 'the request failed'),
      );
    }
    return json;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function errorOf(json: unknown): { code: string; message: string } | null {
  if (typeof json !== 'object' || json === null || !('error' in json)) return null;
  const { error } = json;
  if (typeof error !== 'object' || error === null) return null;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return typeof code === 'string' && typeof message === 'string' ? { code, message } : null;
}
