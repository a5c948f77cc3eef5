import { type ApiClient, ApiError } from './api-client';

/** One event of `GET /events/stream`. */
export interface StreamedSagaEvent {
  readonly id: string;
  readonly sagaId: string;
  readonly sagaType: string;
  readonly seq: number;
  readonly type: string;
}

/** What the stream is doing, for the page to show. */
export type StreamState = 'connecting' | 'live' | 'reconnecting';

/** What {@link followSagaEvents} reports. */
export interface StreamHandlers {
  readonly onEvent: (event: StreamedSagaEvent) => void;
  readonly onState: (state: StreamState) => void;
  /** A refusal that a reconnect will not cure (401, 403): the stream stops. */
  readonly onFatal: (error: ApiError) => void;
}

/** How long to wait before reconnecting when the server does not say. */
const DEFAULT_RETRY_MS = 2000;

/**
 * Follows `GET /events/stream` (server-sent events) with the token in `Authorization` —
 * `EventSource` cannot send it — resuming with `Last-Event-ID` after a cut, until the
 * returned function is called.
 *
 * @example
 * ```ts
 * const stop = followSagaEvents(api, { sagaId }, { onEvent: reload, onState: setState, onFatal: show });
 * // later
 * stop();
 * ```
 */
export function followSagaEvents(
  api: ApiClient,
  filter: { readonly sagaId?: string; readonly sagaType?: string },
  handlers: StreamHandlers,
): () => void {
  const abort = new AbortController();
  // A function, not the flag itself: it changes while the loop awaits.
  const stopped = (): boolean => abort.signal.aborted;
  let lastEventId: string | null = null;
  let retryMs = DEFAULT_RETRY_MS;
  const query = new URLSearchParams();
  if (filter.sagaId !== undefined) query.set('sagaId', filter.sagaId);
  if (filter.sagaType !== undefined) query.set('sagaType', filter.sagaType);
  const path = `/events/stream${query.size > 0 ? `?${query.toString()}` : ''}`;

  const readOnce = async (): Promise<void> => {
    const response = await api.fetchWithToken(path, {
      signal: abort.signal,
      headers: lastEventId === null ? {} : { 'last-event-id': lastEventId },
    });
    if (response.status === 401 || response.status === 403) {
      const body = (await response.json().catch(() => null)) as {
        error?: { code?: string; message?: string };
      } | null;
      throw new ApiError(
        response.status,
        body?.error?.code ?? `HTTP_${response.status}`,
        body?.error?.message ?? 'the event stream was refused',
      );
    }
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      return;
    }
    handlers.onState('live');
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value.replace(/\r\n?/g, '\n');
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        handleBlock(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
      }
    }
  };

  const handleBlock = (block: string): void => {
    let id: string | null = null;
    let type = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry' && /^\d+$/.test(value)) retryMs = Number(value);
    }
    if (id !== null) lastEventId = id;
    if (type !== 'saga-event' || data.length === 0) return;
    const parsed = JSON.parse(data.join('\n')) as Omit<StreamedSagaEvent, 'id'>;
    handlers.onEvent({ ...parsed, id: id ?? '' });
  };

  void (async () => {
    handlers.onState('connecting');
    while (!stopped()) {
      try {
        await readOnce();
      } catch (error: unknown) {
        if (stopped()) return;
        if (error instanceof ApiError) {
          handlers.onFatal(error);
          return;
        }
      }
      if (stopped()) return;
      handlers.onState('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  })();
  return () => {
    abort.abort();
  };
}
