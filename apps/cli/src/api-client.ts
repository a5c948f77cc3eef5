import { createParser, type EventSourceMessage } from 'eventsource-parser';

import {
  type DeadLetter,
  type DeadLetterPage,
  type SagaEventsPage,
  type SagaPage,
  type SagaView,
  type StartedSaga,
} from './api-types';
import {
  ApiError,
  type ApiErrorAnswer,
  InterruptedError,
  networkFailureOf,
  type RequestSubject,
  UnreachableError,
} from './errors';

/** Options of {@link ApiClient}. */
export interface ApiClientOptions {
  /** The orchestrator's base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** The API token, sent as `Authorization: Bearer`. @defaultValue none */
  readonly token?: string;
  /** Longest wait for an answer (for the event stream: for its headers), in ms. */
  readonly timeoutMs: number;
  /** Aborts every request in flight (Ctrl-C): they fail with `InterruptedError`. @defaultValue none */
  readonly signal?: AbortSignal;
  /** @defaultValue the global `fetch` */
  readonly fetch?: typeof fetch;
}

/** The body of an operator action. */
export interface ActionRequest {
  readonly reason: string;
  readonly step?: string;
  readonly expectedVersion?: number;
}

/** The body of `POST /sagas`. */
export interface StartRequest {
  readonly sagaType: string;
  readonly input: unknown;
  readonly businessKey?: string;
  readonly version?: number;
}

/** An open event stream: its messages until the server ends it, and a way to end it first. */
export interface SagaStream {
  readonly messages: AsyncIterable<EventSourceMessage>;
  /** Closes the connection; the messages end. */
  close(): void;
}

/** The operator actions of `POST /sagas/:sagaId/actions/:action`. */
export type SagaAction = 'retry-step' | 'abort' | 'resolve' | 'retry-compensation';

interface RequestSpec {
  readonly query?: URLSearchParams;
  readonly body?: unknown;
  readonly subject?: RequestSubject;
}

/**
 * The orchestrator's HTTP API over `fetch`, with the token and a timeout on every request.
 * An error answer becomes an `ApiError` whose message says what went wrong; no answer, an
 * `UnreachableError`; an abort of `signal`, an `InterruptedError`.
 *
 * @example
 * ```ts
 * const api = new ApiClient({ url: 'http://127.0.0.1:8080', token, timeoutMs: 10_000 });
 * const saga = await api.getSaga('01J…');
 * ```
 */
export class ApiClient {
  readonly url: string;
  readonly #token: string | undefined;
  readonly #timeoutMs: number;
  readonly #signal: AbortSignal | undefined;
  readonly #fetch: typeof fetch;

  constructor(options: ApiClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs;
    this.#signal = options.signal;
    this.#fetch = options.fetch ?? fetch;
  }

  /** `GET /sagas` with the listing's query. */
  async listSagas(query: URLSearchParams): Promise<SagaPage> {
    return (await this.#send('GET', '/sagas', { query })) as SagaPage;
  }

  /** `GET /sagas/:sagaId`: the saga's state and every step of its definition. */
  async getSaga(sagaId: string): Promise<SagaView> {
    return (await this.#send('GET', `/sagas/${encodeURIComponent(sagaId)}`, {
      subject: { kind: 'saga', id: sagaId },
    })) as SagaView;
  }

  /** `GET /sagas/:sagaId/events?afterSeq=`: one page of the saga's history. */
  async getSagaEvents(sagaId: string, afterSeq: number): Promise<SagaEventsPage> {
    return (await this.#send('GET', `/sagas/${encodeURIComponent(sagaId)}/events`, {
      query: new URLSearchParams({ afterSeq: String(afterSeq) }),
      subject: { kind: 'saga', id: sagaId },
    })) as SagaEventsPage;
  }

  /** `POST /sagas`: starts a saga, or returns the one its business key names. */
  async startSaga(request: StartRequest): Promise<StartedSaga> {
    return (await this.#send('POST', '/sagas', { body: request })) as StartedSaga;
  }

  /** `POST /sagas/:sagaId/actions/:action`: the saga as the action left it. */
  async act(sagaId: string, action: SagaAction, request: ActionRequest): Promise<SagaView> {
    const path = `/sagas/${encodeURIComponent(sagaId)}/actions/${action}`;
    return (await this.#send('POST', path, {
      body: request,
      subject: { kind: 'saga', id: sagaId },
    })) as SagaView;
  }

  /** `GET /dead-letters` with the listing's query. */
  async listDeadLetters(query: URLSearchParams): Promise<DeadLetterPage> {
    return (await this.#send('GET', '/dead-letters', { query })) as DeadLetterPage;
  }

  /** `GET /dead-letters/:id`. */
  async getDeadLetter(id: string): Promise<DeadLetter> {
    return (await this.#send('GET', `/dead-letters/${encodeURIComponent(id)}`, {
      subject: { kind: 'dead letter', id },
    })) as DeadLetter;
  }

  /** `POST /dead-letters/:id/replay`: the dead letter, stamped with who replayed it. */
  async replayDeadLetter(
    id: string,
    request: { readonly reason: string; readonly force?: boolean },
  ): Promise<DeadLetter> {
    return (await this.#send('POST', `/dead-letters/${encodeURIComponent(id)}/replay`, {
      body: request,
      subject: { kind: 'dead letter', id },
    })) as DeadLetter;
  }

  /**
   * `GET /events/stream?sagaId=`: the saga's events as server-sent events, from after
   * `lastEventId` when given (`Last-Event-ID`; from now on without it). Resolves once the
   * stream's headers came (within the timeout) with the open stream, whose messages end when
   * the server or `close()` ends it; resolves null when the orchestrator has no such route
   * (404).
   */
  async openSagaStream(sagaId: string, lastEventId: string | null): Promise<SagaStream | null> {
    const path = '/events/stream';
    const connect = new AbortController();
    const timer = setTimeout(() => {
      connect.abort(new DOMException('no answer in time', 'TimeoutError'));
    }, this.#timeoutMs);
    const signal =
      this.#signal === undefined ? connect.signal : AbortSignal.any([connect.signal, this.#signal]);
    let response: Response;
    try {
      response = await this.#fetch(
        `${this.url}${path}?${new URLSearchParams({ sagaId }).toString()}`,
        {
          headers: {
            ...this.#authorization(),
            accept: 'text/event-stream',
            ...(lastEventId === null ? {} : { 'last-event-id': lastEventId }),
          },
          signal,
        },
      );
    } catch (error: unknown) {
      throw this.#noAnswer(error, signal);
    } finally {
      clearTimeout(timer);
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok || response.body === null) {
      throw await this.#errorOf(response, 'GET', path, { subject: { kind: 'saga', id: sagaId } });
    }
    return {
      messages: this.#messages(response.body, connect.signal),
      close: () => {
        connect.abort();
      },
    };
  }

  async *#messages(
    body: ReadableStream<Uint8Array>,
    closed: AbortSignal,
  ): AsyncGenerator<EventSourceMessage> {
    const received: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (message) => received.push(message) });
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body) {
        parser.feed(decoder.decode(chunk, { stream: true }));
        yield* received.splice(0);
      }
    } catch (error: unknown) {
      if (this.#signal?.aborted === true) throw new InterruptedError();
      if (closed.aborted) return;
      throw new UnreachableError(
        `lost the event stream of the orchestrator at ${this.url}: ${networkFailureOf(error)}`,
        { cause: error },
      );
    }
  }

  async #send(method: 'GET' | 'POST', path: string, spec: RequestSpec): Promise<unknown> {
    const query =
      spec.query === undefined || spec.query.size === 0 ? '' : `?${spec.query.toString()}`;
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const signal = this.#signal === undefined ? timeout : AbortSignal.any([timeout, this.#signal]);
    try {
      const response = await this.#fetch(`${this.url}${path}${query}`, {
        method,
        headers: {
          ...this.#authorization(),
          accept: 'application/json',
          ...(spec.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
        signal,
      });
      if (!response.ok) throw await this.#errorOf(response, method, path, spec);
      const text = await response.text();
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new ApiError({
          ...this.#answerOf(method, path, spec),
          status: response.status,
          code: 'UNEXPECTED_ANSWER',
          message: `${method} ${path} answered ${response.status} with a body that is not JSON: ${excerpt(text)}`,
        });
      }
    } catch (error: unknown) {
      if (error instanceof ApiError) throw error;
      throw this.#noAnswer(error, signal);
    }
  }

  #authorization(): Record<string, string> {
    return this.#token === undefined ? {} : { authorization: `Bearer ${this.#token}` };
  }

  #answerOf(
    method: string,
    path: string,
    spec: RequestSpec,
  ): Pick<ApiErrorAnswer, 'method' | 'path' | 'tokenSent' | 'subject'> {
    return {
      method,
      path,
      tokenSent: this.#token !== undefined,
      ...(spec.subject === undefined ? {} : { subject: spec.subject }),
    };
  }

  /** The `ApiError` of an error answer: the API's `{ error: { code, message, details } }`. */
  async #errorOf(
    response: Response,
    method: string,
    path: string,
    spec: RequestSpec,
  ): Promise<ApiError> {
    const text = await response.text().catch(() => '');
    const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
    const error = errorBodyOf(text);
    return new ApiError({
      ...this.#answerOf(method, path, spec),
      status: response.status,
      code: error?.code ?? `HTTP_${response.status}`,
      message: error?.message ?? (excerpt(text) || response.statusText),
      ...(error?.details === undefined ? {} : { details: error.details }),
      ...(Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {}),
    });
  }

  /** Why a request got no answer: interrupted, timed out, or not connected. */
  #noAnswer(error: unknown, signal: AbortSignal): Error {
    if (this.#signal?.aborted === true) return new InterruptedError();
    const reason: unknown = signal.reason;
    if (signal.aborted && reason instanceof DOMException && reason.name === 'TimeoutError') {
      return new UnreachableError(
        `the orchestrator at ${this.url} did not answer within ${this.#timeoutMs} ms`,
        { cause: error },
      );
    }
    return new UnreachableError(
      `cannot reach the orchestrator at ${this.url}: ${networkFailureOf(error)}`,
      { cause: error },
    );
  }
}

/** The API's error object in a body, or null when the body is something else. */
function errorBodyOf(
  text: string,
): { code: string; message: string; details?: Record<string, unknown> } | null {
  try {
    const { error } = JSON.parse(text) as { error?: unknown };
    if (typeof error !== 'object' || error === null) return null;
    const { code, message, details } = error as Record<string, unknown>;
    if (typeof code !== 'string' || typeof message !== 'string') return null;
    return typeof details === 'object' && details !== null
      ? { code, message, details: details as Record<string, unknown> }
      : { code, message };
  } catch {
    return null;
  }
}

/** The start of a body for a message: one line, at most 200 characters. */
function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
