import { setTimeout as sleep } from 'node:timers/promises';

import {
  errorMessage,
  SagaflowError,
  type SagaEvent,
  SagaStatus,
  type SagaState,
} from '@sagaflow/core';
import { z } from 'zod';

/** A request to the orchestrator's HTTP API failed: refused, timed out, or not 2xx. */
export class OrchestratorRequestError extends SagaflowError {
  readonly code = 'ORCHESTRATOR_REQUEST_FAILED';
  /** Network failures, 429 (overloaded) and 5xx answers may pass when asked again; other 4xx will not. */
  readonly retryable: boolean;
  /** The HTTP status, or null when no answer came. */
  readonly status: number | null;

  constructor(
    method: string,
    path: string,
    status: number | null,
    detail: string,
    cause?: unknown,
  ) {
    super(
      `${method} ${path} failed: ${status === null ? detail : `HTTP ${status}: ${detail}`}`,
      cause === undefined ? {} : { cause },
    );
    this.status = status;
    this.retryable = status === null || status === 429 || status >= 500;
  }
}

/** What `POST /sagas` answers. */
export interface StartedSaga {
  readonly sagaId: string;
  /** False when the business key was known: the first saga's id is returned. */
  readonly created: boolean;
  readonly status: SagaStatus;
}

/** One entry of a saga's history, as `GET /sagas/:sagaId/events` answers it. */
export interface SagaHistoryEntry {
  readonly seq: number;
  readonly type: SagaEvent['type'];
  readonly event: SagaEvent;
  readonly recordedAt: string;
}

/** A saga as `GET /sagas/:sagaId` answers it (the fields the demo and the tests read). */
export interface SagaView {
  readonly sagaId: string;
  readonly sagaType: string;
  readonly businessKey: string | null;
  readonly status: SagaStatus;
  readonly data: SagaState['data'];
  readonly version: number;
  readonly steps: readonly {
    readonly name: string;
    readonly status: string;
    readonly attempt: number;
    readonly compensationAttempt: number;
  }[];
}

/** The part of `GET /stats` the demo reads. */
export interface OrchestratorStats {
  readonly counts: { readonly total: number; readonly byStatus: Record<SagaStatus, number> };
  readonly latencyMs: {
    readonly p50: number;
    readonly p95: number;
    readonly p99: number;
  } | null;
  readonly sagasPerSecond: number;
}

/** A dead letter as `GET /dead-letters` lists it (the fields the tests read). */
export interface DeadLetterView {
  readonly id: string;
  readonly sourceTopic: string;
  readonly reason: { readonly code: string; readonly message: string };
}

const statusSchema = z.enum(SagaStatus);

const startedSchema = z.object({
  sagaId: z.string(),
  created: z.boolean(),
  status: statusSchema,
});

const historySchema = z.object({
  sagaId: z.string(),
  events: z.array(
    z.object({
      seq: z.number().int(),
      type: z.string(),
      event: z.custom<SagaEvent>(
        (value) => typeof value === 'object' && value !== null && 'type' in value,
      ),
      recordedAt: z.string(),
    }),
  ),
});

const sagaViewSchema = z.object({
  sagaId: z.string(),
  sagaType: z.string(),
  businessKey: z.string().nullable(),
  status: statusSchema,
  data: z.custom<SagaState['data']>((value) => typeof value === 'object' && value !== null),
  version: z.number().int(),
  steps: z.array(
    z.object({
      name: z.string(),
      status: z.string(),
      attempt: z.number().int(),
      compensationAttempt: z.number().int(),
    }),
  ),
});

const statsSchema = z.object({
  counts: z.object({ total: z.number(), byStatus: z.record(statusSchema, z.number()) }),
  latencyMs: z.object({ p50: z.number(), p95: z.number(), p99: z.number() }).nullable(),
  sagasPerSecond: z.number(),
});

const deadLettersSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      sourceTopic: z.string(),
      reason: z.object({ code: z.string(), message: z.string() }),
    }),
  ),
});

/** Options of {@link OrchestratorClient}. */
export interface OrchestratorClientOptions {
  /** Longest wait for one answer, in ms. @defaultValue `10000` */
  readonly requestTimeoutMs?: number;
  /**
   * The API token sent as `Authorization: Bearer` on every request (an `operator` starts
   * sagas; a `viewer` only reads). @defaultValue none: only the probes and `/metrics` answer
   */
  readonly token?: string;
}

/**
 * A small client of the orchestrator's HTTP API (Node's `fetch`), for the demo and the
 * end-to-end tests. Every answer is checked against the shape it must have.
 *
 * @example
 * ```ts
 * const api = new OrchestratorClient('http://127.0.0.1:8080', { token: stack.apiToken });
 * const { sagaId } = await api.startSaga({ sagaType: 'place-order', input, businessKey: input.orderId });
 * await api.waitForStatus(sagaId, ['COMPLETED', 'COMPENSATED'], 30_000);
 * ```
 */
export class OrchestratorClient {
  readonly baseUrl: string;
  readonly #requestTimeoutMs: number;
  readonly #authorization: Readonly<Record<string, string>>;

  constructor(baseUrl: string, options: OrchestratorClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#authorization =
      options.token === undefined ? {} : { authorization: `Bearer ${options.token}` };
  }

  /** `POST /sagas`: starts a saga, or returns the one started with the same business key. */
  async startSaga(request: {
    readonly sagaType: string;
    readonly input: unknown;
    readonly businessKey?: string;
  }): Promise<StartedSaga> {
    return startedSchema.parse(await this.#request('POST', '/sagas', request));
  }

  /** `GET /sagas/:sagaId`. */
  async getSaga(sagaId: string): Promise<SagaView> {
    return sagaViewSchema.parse(await this.#request('GET', `/sagas/${encodeURIComponent(sagaId)}`));
  }

  /** `GET /sagas/:sagaId/events`: the saga's whole history, in order. */
  async getHistory(sagaId: string): Promise<SagaHistoryEntry[]> {
    const body = historySchema.parse(
      await this.#request('GET', `/sagas/${encodeURIComponent(sagaId)}/events`),
    );
    return body.events.map((entry) => ({ ...entry, type: entry.event.type }));
  }

  /** `GET /stats`. */
  async stats(): Promise<OrchestratorStats> {
    return statsSchema.parse(await this.#request('GET', '/stats'));
  }

  /** `GET /dead-letters` (the newest 100). */
  async deadLetters(): Promise<DeadLetterView[]> {
    return deadLettersSchema.parse(await this.#request('GET', '/dead-letters?limit=100')).items;
  }

  /** `GET /metrics`: the Prometheus text. */
  async metrics(): Promise<string> {
    const response = await this.#fetch('GET', '/metrics');
    return response.text();
  }

  /**
   * Polls `GET /sagas/:sagaId` until the saga's status is one of `statuses`; resolves with
   * the saga. @throws OrchestratorRequestError when it is still elsewhere after `timeoutMs`.
   */
  async waitForStatus(
    sagaId: string,
    statuses: readonly SagaStatus[],
    timeoutMs: number,
  ): Promise<SagaView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const saga = await this.getSaga(sagaId);
      if (statuses.includes(saga.status)) return saga;
      if (Date.now() >= deadline) {
        throw new OrchestratorRequestError(
          'GET',
          `/sagas/${sagaId}`,
          null,
          `still ${saga.status} after ${timeoutMs} ms (waiting for ${statuses.join(' or ')})`,
        );
      }
      await sleep(100);
    }
  }

  async #request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const response = await this.#fetch(method, path, body);
    return response.json();
  }

  async #fetch(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        signal: AbortSignal.timeout(this.#requestTimeoutMs),
        headers: {
          ...this.#authorization,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error: unknown) {
      throw new OrchestratorRequestError(method, path, null, networkFailure(error), error);
    }
    if (!response.ok) {
      throw new OrchestratorRequestError(method, path, response.status, await response.text());
    }
    return response;
  }
}

/** `fetch failed: connect ECONNREFUSED …`: fetch says that it failed, its cause says why. */
function networkFailure(error: unknown): string {
  const cause = (error as { cause?: unknown } | null | undefined)?.cause;
  return cause === undefined
    ? errorMessage(error)
    : `${errorMessage(error)}: ${errorMessage(cause)}`;
}
