import { type OutgoingHttpHeaders, type ServerResponse } from 'node:http';

import { describeError, type Logger } from '@sagaflow/core';

import { type EventStreamHub, type EventStreamSubscriber } from './event-stream-hub';
import { type SagaEventFeedPort, type SagaFeedEvent } from './ports/saga-event-feed-port';

/** Which events a stream carries: every field set must match. */
export interface EventStreamFilter {
  readonly sagaId?: string;
  readonly sagaType?: string;
}

/** Why a stream ended. */
export type EventStreamCloseReason =
  /** The client went away. */
  | 'client-closed'
  /** The client read too slowly: more than `maxQueuedEvents` waited. */
  | 'slow-client'
  /** The instance shuts down. */
  | 'shutdown'
  /** Reading the history to resume from failed. */
  | 'read-failed';

/** Options of {@link EventStreamConnection}. */
export interface EventStreamConnectionOptions {
  /** The response, its headers not sent yet. */
  readonly response: ServerResponse;
  /** Headers to send besides the stream's own (the request id). */
  readonly headers: OutgoingHttpHeaders;
  readonly hub: EventStreamHub;
  /** Where the history a resuming stream missed is read. */
  readonly feed: SagaEventFeedPort;
  readonly filter: EventStreamFilter;
  /** The last id the client saw (`Last-Event-ID`), or null for the events from now on. */
  readonly resumeAfter: string | null;
  readonly maxQueuedEvents: number;
  readonly heartbeatMs: number;
  /** Called once when the stream ends, with why, and how many events it wrote. */
  readonly onClose: (reason: EventStreamCloseReason, eventsSent: number) => void;
  readonly logger: Logger;
}

/** The `event:` name of every event on the stream. */
export const SAGA_EVENT = 'saga-event';
/** How long a client waits before it reconnects: the stream's `retry:` field. */
export const RECONNECT_DELAY_MS = 2000;
/** Events per read of the history a resuming stream missed. */
const CATCH_UP_PAGE = 500;
const HEARTBEAT = ': keep-alive\n\n';

/**
 * One open `GET /events/stream`: writes the server-sent-events framing
 * (`id`/`event`/`data`, a `retry:` hint, `: keep-alive` comments) on the raw response.
 *
 * A stream that resumes (`Last-Event-ID`) first reads the events it missed, page by page,
 * each page written as fast as the client reads it; when it has reached the hub's position
 * it takes the hub's batches from the same tick on, so no event is missed or sent twice
 * (events at or below the last id sent are dropped). Live events that the socket cannot
 * take at once are queued; a client that lets more than `maxQueuedEvents` queue up is cut
 * off: it resumes with `Last-Event-ID` when it catches up.
 *
 * @example
 * ```ts
 * const stream = new EventStreamConnection({ response: reply.raw, hub, feed, filter: {},
 *   resumeAfter: null, headers: {}, maxQueuedEvents: 1000, heartbeatMs: 15_000,
 *   onClose: (reason) => log.info('closed', { reason }), logger });
 * await stream.open();
 * ```
 */
export class EventStreamConnection implements EventStreamSubscriber {
  readonly #options: EventStreamConnectionOptions;
  readonly #response: ServerResponse;
  #state: 'opening' | 'catching-up' | 'live' | 'closed' = 'opening';
  /** The greatest id sent or passed over by the filter. */
  #cursor = 0n;
  /** Frames waiting for the socket to drain. */
  #queue: string[] = [];
  #draining = false;
  #sent = 0;
  #heartbeat: NodeJS.Timeout | null = null;

  constructor(options: EventStreamConnectionOptions) {
    this.#options = options;
    this.#response = options.response;
  }

  /** True once the stream ended, or was closed before it opened. */
  get closed(): boolean {
    return this.#state === 'closed';
  }

  /**
   * Joins the hub: resolves once the stream can start. Nothing is written yet, so a failure
   * (or a {@link close} meanwhile: see {@link closed}) can still be answered as an error.
   *
   * @throws the feed's error when the hub cannot read where to start.
   */
  async join(): Promise<void> {
    await this.#options.hub.join(this);
  }

  /**
   * Writes the headers and the `retry:` hint, then streams: the missed history first when
   * resuming, then the hub's events until the client leaves or {@link close} is called.
   */
  async open(): Promise<void> {
    const response = this.#response;
    // Closed by a shutdown while it joined, or the client left meanwhile.
    if (this.#state === 'closed') return;
    if (response.destroyed || response.socket === null || response.socket.destroyed) {
      this.close('client-closed');
      return;
    }
    response.on('close', () => {
      this.close('client-closed');
    });
    response.on('drain', () => {
      this.#flush();
    });
    response.writeHead(200, {
      ...this.#options.headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      // nginx buffers a proxied response unless told not to.
      'x-accel-buffering': 'no',
    });
    this.#write(`retry: ${RECONNECT_DELAY_MS}\n\n`);
    this.#heartbeat = setInterval(() => {
      if (!this.#draining) this.#write(HEARTBEAT);
    }, this.#options.heartbeatMs);
    this.#heartbeat.unref();
    const { hub, resumeAfter } = this.#options;
    this.#state = 'catching-up';
    this.#cursor = BigInt(resumeAfter ?? hub.position);
    try {
      await this.#catchUp();
    } catch (error: unknown) {
      this.#options.logger.warn('event stream could not read the events to resume from', {
        error: describeError(error),
      });
      this.close('read-failed');
    }
  }

  /** Takes a batch of the hub's events: written when live, ignored while catching up. */
  deliver(events: readonly SagaFeedEvent[]): void {
    if (this.#state !== 'live') return;
    for (const event of events) {
      this.#send(event);
      // Cut off as a slow client: the rest is for the stream that resumes.
      if (this.closed) return;
    }
  }

  /**
   * Ends the stream (once): cut off at once when the client is slow or gone, else ended
   * after what is written is flushed. Before {@link open}, the response is left to the
   * caller to answer.
   */
  close(reason: EventStreamCloseReason): void {
    if (this.#state === 'closed') return;
    const opened = this.#state !== 'opening';
    this.#state = 'closed';
    this.#queue = [];
    if (this.#heartbeat !== null) clearInterval(this.#heartbeat);
    this.#options.hub.leave(this);
    // Unopened, nothing was written: the route answers.
    if (opened && (reason === 'slow-client' || reason === 'client-closed' || this.#draining)) {
      this.#response.destroy();
    } else if (opened && !this.#response.writableEnded) {
      this.#response.end();
    }
    this.#options.onClose(reason, this.#sent);
  }

  /**
   * Reads and writes the events after the cursor up to the hub's position, until the cursor
   * reaches it; then goes live in the same tick, so the hub's next batch follows on.
   */
  async #catchUp(): Promise<void> {
    const { hub, feed, filter } = this.#options;
    let waitedForSettling = false;
    for (;;) {
      if (this.#state !== 'catching-up') return;
      const target = BigInt(hub.position);
      if (this.#cursor >= target) {
        this.#state = 'live';
        return;
      }
      if (!waitedForSettling) {
        await hub.settled();
        waitedForSettling = true;
        continue;
      }
      const page = await feed.readAfter({
        afterId: this.#cursor.toString(),
        throughId: target.toString(),
        limit: CATCH_UP_PAGE,
        ...filter,
      });
      for (const event of page) {
        if (this.closed) return;
        this.#send(event);
        if (this.#draining) await this.#drained();
      }
      // A short page read everything up to the target; a full one moved the cursor to its last.
      if (page.length < CATCH_UP_PAGE && this.#cursor < target) this.#cursor = target;
    }
  }

  /** Writes one event if it is new and passes the filter; queues it while the socket drains. */
  #send(event: SagaFeedEvent): void {
    const id = BigInt(event.id);
    if (id <= this.#cursor) return;
    this.#cursor = id;
    const { sagaId, sagaType } = this.#options.filter;
    if (sagaId !== undefined && event.sagaId !== sagaId) return;
    if (sagaType !== undefined && event.sagaType !== sagaType) return;
    const frame = toFrame(event);
    if (this.#draining) {
      this.#queue.push(frame);
      if (this.#queue.length > this.#options.maxQueuedEvents) this.close('slow-client');
      return;
    }
    this.#sent += 1;
    this.#write(frame);
  }

  /** Writes a chunk: false when the socket takes no more for now (or is gone). */
  #write(chunk: string): boolean {
    if (this.#response.destroyed || this.#response.writableEnded) return false;
    if (!this.#response.write(chunk)) this.#draining = true;
    return !this.#draining;
  }

  /** After a `drain`: writes the queue until the socket is full again. */
  #flush(): void {
    this.#draining = false;
    for (let frame = this.#queue.shift(); frame !== undefined; frame = this.#queue.shift()) {
      this.#sent += 1;
      if (!this.#write(frame)) return;
    }
  }

  /** Resolves when the socket drained its queue, or the stream ended. */
  #drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.#response.off('drain', done);
        this.#response.off('close', done);
        resolve();
      };
      this.#response.on('drain', done);
      this.#response.on('close', done);
    });
  }
}

/** An event as a server-sent event: its id, `event: saga-event`, and its JSON on one line. */
function toFrame(event: SagaFeedEvent): string {
  const { id, sagaId, sagaType, seq, type, recordedAt } = event;
  const data = JSON.stringify({ sagaId, sagaType, seq, type, event: event.event, recordedAt });
  return `id: ${id}\nevent: ${SAGA_EVENT}\ndata: ${data}\n\n`;
}
