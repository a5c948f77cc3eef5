/**
 * The orchestrator's HTTP API as the dashboard uses it: every call sends the API token as
 * `Authorization: Bearer`, and every failure is an {@link ApiError} with the API's code and
 * message, or `UNREACHABLE` when no answer came.
 */

/** Where a saga is in its life. */
export type SagaStatus =
  'RUNNING' | 'COMPENSATING' | 'COMPLETED' | 'COMPENSATED' | 'COMPENSATION_FAILED';

/** Every saga status, in life-cycle order. */
export const SAGA_STATUSES: readonly SagaStatus[] = [
  'RUNNING',
  'COMPENSATING',
  'COMPLETED',
  'COMPENSATED',
  'COMPENSATION_FAILED',
];

/** Where one step of a saga is (`PENDING`: not dispatched yet). */
export type StepStatus =
  | 'PENDING'
  | 'RUNNING'
  | 'WAITING_RETRY'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'COMPENSATING'
  | 'COMPENSATION_WAITING_RETRY'
  | 'COMPENSATED'
  | 'COMPENSATION_FAILED';

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

/** The filters of the saga listing, as `GET /sagas` takes them. */
export interface SagaFilters {
  readonly statuses: readonly SagaStatus[];
  readonly sagaType: string;
  readonly businessKey: string;
  readonly stuck: boolean;
}

/** An operator's action on a saga. */
export type SagaAction = 'retry-step' | 'abort' | 'resolve' | 'retry-compensation';

/** How many dead letters wait, counted up to a bound. */
export interface BoundedCount {
  readonly count: number;
  /** True when there are more than {@link count}. */
  readonly more: boolean;
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
 * const page = await api.listSagas({ statuses: ['COMPENSATED'], sagaType: '', businessKey: '', stuck: false }, null);
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

  listSagas(filters: SagaFilters, cursor: string | null, limit = 50): Promise<Page<SagaSummary>> {
    const query = new URLSearchParams({ limit: String(limit) });
    if (filters.statuses.length > 0) query.set('status', filters.statuses.join(','));
    if (filters.sagaType !== '') query.set('sagaType', filters.sagaType);
    if (filters.businessKey !== '') query.set('businessKey', filters.businessKey);
    if (filters.stuck) query.set('stuck', 'true');
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
