import { type EventSourceMessage } from 'eventsource-parser';

import { type SagaStream } from './api-client';
import { type SagaEventEntry, type SagaEventsPage, TERMINAL_EVENT_TYPES } from './api-types';
import { ApiError, UnreachableError } from './errors';

/** Where a saga's history is read from: the events API and, when it has one, its stream. */
export interface SagaEventSource {
  /** `GET /sagas/:sagaId/events?afterSeq=`. */
  getSagaEvents(sagaId: string, afterSeq: number): Promise<SagaEventsPage>;
  /** `GET /events/stream?sagaId=`, from after `lastEventId`; null when there is no such route. */
  openSagaStream(sagaId: string, lastEventId: string | null): Promise<SagaStream | null>;
}

/**
 * A saga's whole history, in order: the pages of `GET /sagas/:sagaId/events` from the
 * first, each asked for after the last one's `nextAfterSeq`, until it is null.
 *
 * @example
 * ```ts
 * const entries = await readHistory(api, sagaId);
 * ```
 */
export async function readHistory(
  source: Pick<SagaEventSource, 'getSagaEvents'>,
  sagaId: string,
): Promise<SagaEventEntry[]> {
  const entries: SagaEventEntry[] = [];
  let afterSeq: number | null = 0;
  while (afterSeq !== null) {
    const page = await source.getSagaEvents(sagaId, afterSeq);
    entries.push(...page.events);
    afterSeq = page.nextAfterSeq;
  }
  return entries;
}

/**
 * The entry a `saga-event` message of the event stream carries (its `data`, JSON with
 * `sagaId`, `sagaType`, `seq`, `type`, `event` and `recordedAt`, kept whole), or null for any
 * other message: another event name, another saga, data that is not such an entry.
 *
 * @example
 * ```ts
 * parseStreamEntry({ event: 'saga-event', id: '42', data: '{"sagaId":"s-1","seq":3,…}' }, 's-1');
 * ```
 */
export function parseStreamEntry(
  message: EventSourceMessage,
  sagaId: string,
): SagaEventEntry | null {
  if (message.event !== undefined && message.event !== 'saga-event') return null;
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null) return null;
  const entry = data as Record<string, unknown>;
  const isEntry =
    Number.isSafeInteger(entry.seq) &&
    typeof entry.type === 'string' &&
    typeof entry.event === 'object' &&
    entry.event !== null &&
    typeof entry.recordedAt === 'string';
  if (!isEntry || (entry.sagaId !== undefined && entry.sagaId !== sagaId)) return null;
  return data as SagaEventEntry;
}

/** Options of {@link followSaga}. */
export interface FollowSagaOptions {
  readonly sagaId: string;
  readonly source: SagaEventSource;
  /** Called once per event, in `seq` order, from the first. */
  readonly onEvent: (entry: SagaEventEntry) => void;
  /** Told how the events are followed, and when the orchestrator is lost and found again. */
  readonly onNotice: (message: string) => void;
  /** Waits `ms` (rejects with `InterruptedError` on Ctrl-C). */
  readonly sleep: (ms: number) => Promise<void>;
  /** Between two polls, and between two tries after a failure, in ms. @defaultValue `1000` */
  readonly intervalMs?: number;
  /** Failed tries in a row (unreachable, 429, 5xx) before giving up. @defaultValue `30` */
  readonly maxFailures?: number;
}

/**
 * Hands every event of a saga to `onEvent`, its history first, then each new one as it
 * comes, and resolves once the saga ended (`SagaCompleted` or `SagaCompensated`).
 *
 * New events come from the event stream (`GET /events/stream?sagaId=`), opened before the
 * history is read so that nothing committed meanwhile is missed; a gap in the stream's `seq`
 * is filled from the events API, and a stream that ends or breaks is opened again with
 * `Last-Event-ID`. An orchestrator without the stream (404) is polled every `intervalMs`
 * with `afterSeq`. Each event is handed over once, whatever both sources deliver twice.
 * Unreachable, 429 and 5xx answers are tried again every `intervalMs`, `maxFailures` times
 * in a row at most; other errors end the follow.
 *
 * @example
 * ```ts
 * await followSaga({ sagaId, source: api, onEvent: print, onNotice: warn, sleep });
 * ```
 */
export async function followSaga(options: FollowSagaOptions): Promise<void> {
  const { sagaId, source, onNotice, sleep } = options;
  const intervalMs = options.intervalMs ?? 1000;
  const maxFailures = options.maxFailures ?? 30;
  // Changed by the closures below, so kept in one object rather than narrowed locals.
  const at = {
    lastSeq: 0,
    ended: false,
    lastEventId: null as string | null,
    failures: 0,
    polling: false,
    stream: null as SagaStream | null,
  };

  // A function, not a narrowed read: `take` sets it while the loops below await.
  const ended = (): boolean => at.ended;
  const take = (entry: SagaEventEntry): void => {
    if (at.ended || entry.seq <= at.lastSeq) return;
    options.onEvent(entry);
    at.lastSeq = entry.seq;
    at.ended = TERMINAL_EVENT_TYPES.has(entry.type);
  };
  const catchUp = async (): Promise<void> => {
    let afterSeq: number | null = at.lastSeq;
    while (afterSeq !== null && !at.ended) {
      const page = await source.getSagaEvents(sagaId, afterSeq);
      for (const entry of page.events) take(entry);
      afterSeq = page.nextAfterSeq;
    }
  };
  /** Runs `work`; a transient failure is reported once, waited out, and answered false. */
  const tried = async (work: () => Promise<void>): Promise<boolean> => {
    try {
      await work();
    } catch (error: unknown) {
      if (!isTransient(error) || at.failures + 1 >= maxFailures) throw error;
      at.failures += 1;
      if (at.failures === 1) onNotice(`${messageOf(error)}; trying again every ${intervalMs} ms`);
      await sleep(intervalMs);
      return false;
    }
    if (at.failures > 0) onNotice('the orchestrator answers again');
    at.failures = 0;
    return true;
  };
  const open = async (): Promise<void> => {
    at.stream = await source.openSagaStream(sagaId, at.lastEventId);
    if (at.stream === null && !at.polling) {
      at.polling = true;
      onNotice(`the orchestrator has no event stream: polling every ${intervalMs} ms`);
    }
  };
  const read = async (stream: SagaStream): Promise<void> => {
    for await (const message of stream.messages) {
      const entry = parseStreamEntry(message, sagaId);
      if (entry === null) continue;
      if (message.id !== undefined && message.id !== '') at.lastEventId = message.id;
      if (entry.seq > at.lastSeq + 1) await catchUp();
      take(entry);
      if (at.ended) return;
    }
  };

  try {
    while (!(await tried(open)));
    while (!(await tried(catchUp)));
    while (!ended()) {
      if (at.polling) {
        await sleep(intervalMs);
        await tried(catchUp);
        continue;
      }
      // Opened again after it ended or broke: the events in between come from the events API
      // (when the server did not resume from Last-Event-ID, they would be missed otherwise).
      if (at.stream === null && !((await tried(open)) && (await tried(catchUp)))) continue;
      const stream = at.stream;
      if (stream === null) continue;
      const whole = await tried(() => read(stream));
      stream.close();
      at.stream = null;
      // A stream the server closed is opened again after a pause, so that a server closing
      // every stream at once is not asked in a loop.
      if (whole && !ended()) await sleep(intervalMs);
    }
  } finally {
    at.stream?.close();
  }
}

function isTransient(error: unknown): boolean {
  return error instanceof UnreachableError || (error instanceof ApiError && error.transient);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
