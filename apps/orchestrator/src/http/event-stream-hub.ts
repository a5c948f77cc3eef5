import { describeError, type Logger } from '@sagaflow/core';

import { type SagaEventFeedPort, type SagaFeedEvent } from './ports/saga-event-feed-port';

/** What the hub hands new events to: an open stream. */
export interface EventStreamSubscriber {
  /**
   * Called with each batch of new events, in id order, every id above the ones before.
   * Synchronous: a subscriber that cannot keep up queues or closes, it never blocks the hub.
   */
  deliver(events: readonly SagaFeedEvent[]): void;
}

/** Options of {@link EventStreamHub}; the API passes its checked `eventStream` options. */
export interface EventStreamHubOptions {
  readonly feed: SagaEventFeedPort;
  /** Pause between two reads when the last one found nothing more to stream. */
  readonly pollIntervalMs: number;
  /** How long a gap in the ids is waited for before the hub moves past it. */
  readonly gapGraceMs: number;
  readonly logger: Logger;
  /**
   * Events per read.
   * @defaultValue `500`
   */
  readonly batchSize?: number;
  /**
   * Monotonic milliseconds: how gaps are aged.
   * @defaultValue `performance.now`
   */
  readonly now?: () => number;
}

/** One period of polling, from the first subscriber to the last one leaving. */
interface Run {
  /** Resolves once the start position is read. */
  readonly started: Promise<void>;
  /** Resolves once ids up to the start position have had the grace to commit. */
  readonly settled: Promise<void>;
  /** Every id up to it was delivered (or waited for in vain). */
  position: bigint;
  timer: NodeJS.Timeout | null;
  stopSettling: () => void;
}

/**
 * The one poller of saga events per API instance: while at least one stream is open it
 * reads the events after the last one it delivered, every `pollIntervalMs` (at once again
 * after a full batch), and hands each batch to every subscriber — one query per interval,
 * however many streams are open. Idle, it reads nothing.
 *
 * Ids are auto-increment values that become visible at commit, so an append that commits
 * late shows up below ids already visible. The hub streams in id order without skipping
 * such an event: past a gap it holds back until the gap fills, or until it has been open for
 * `gapGraceMs` (a rolled-back append leaves a gap for good). It starts at the greatest id
 * at its start, so a stream that resumes below it reads up to it only after the same grace
 * ({@link settled}).
 *
 * @example
 * ```ts
 * const hub = new EventStreamHub({ feed, pollIntervalMs: 500, gapGraceMs: 2000, logger });
 * await hub.join(stream);
 * const from = hub.position;
 * // stream.deliver(events) is called with every batch from now on
 * hub.leave(stream);
 * ```
 */
export class EventStreamHub {
  readonly #feed: SagaEventFeedPort;
  readonly #pollIntervalMs: number;
  readonly #gapGraceMs: number;
  readonly #batchSize: number;
  readonly #now: () => number;
  readonly #logger: Logger;
  readonly #subscribers = new Set<EventStreamSubscriber>();
  /** The id of the first event after each gap seen, and when the gap was first seen. */
  #gaps = new Map<string, number>();
  #run: Run | null = null;
  #failing = false;
  #closed = false;

  constructor(options: EventStreamHubOptions) {
    this.#feed = options.feed;
    this.#pollIntervalMs = options.pollIntervalMs;
    this.#gapGraceMs = options.gapGraceMs;
    this.#batchSize = options.batchSize ?? 500;
    this.#now = options.now ?? (() => performance.now());
    this.#logger = options.logger;
  }

  /** How many subscribers are joined. */
  get size(): number {
    return this.#subscribers.size;
  }

  /**
   * The id through which events were delivered: a subscriber that joined gets every event
   * above it. Read it right after {@link join} resolves.
   *
   * @throws Error when no subscriber is joined.
   */
  get position(): string {
    return this.#current().position.toString();
  }

  /**
   * Adds a subscriber; the first one starts the polling. Resolves once the hub knows its
   * position.
   *
   * @throws the feed's error when the start position cannot be read (the subscriber is not
   * added), or Error once the hub is closed.
   */
  async join(subscriber: EventStreamSubscriber): Promise<void> {
    if (this.#closed) throw new Error('the event stream hub is closed');
    this.#subscribers.add(subscriber);
    this.#run ??= this.#start();
    try {
      await this.#run.started;
    } catch (error: unknown) {
      this.#subscribers.delete(subscriber);
      throw error;
    }
  }

  /** Removes a subscriber; the polling stops with the last one. */
  leave(subscriber: EventStreamSubscriber): void {
    this.#subscribers.delete(subscriber);
    if (this.#subscribers.size === 0) this.#stop();
  }

  /**
   * Resolves once the events up to the position the hub started at have had `gapGraceMs`
   * to commit: a stream that reads history up to {@link position} waits for it first.
   */
  settled(): Promise<void> {
    return this.#current().settled;
  }

  /** Stops polling and drops every subscriber; {@link join} is refused from now on. */
  close(): void {
    this.#closed = true;
    this.#subscribers.clear();
    this.#stop();
  }

  #current(): Run {
    if (this.#run === null) throw new Error('no subscriber has joined the event stream hub');
    return this.#run;
  }

  #start(): Run {
    let stopSettling = (): void => undefined;
    const settled = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.#gapGraceMs);
      timer.unref();
      stopSettling = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    const started = this.#feed.lastId().then((lastId) => {
      run.position = BigInt(lastId);
      if (this.#run === run) this.#schedule(run, 0);
    });
    const run: Run = { started, settled, position: 0n, timer: null, stopSettling };
    started.catch(() => {
      // The next join tries again.
      if (this.#run === run) this.#stop();
    });
    return run;
  }

  #stop(): void {
    const run = this.#run;
    if (run === null) return;
    this.#run = null;
    this.#gaps = new Map();
    if (run.timer !== null) clearTimeout(run.timer);
    run.stopSettling();
  }

  #schedule(run: Run, delayMs: number): void {
    run.timer = setTimeout(() => {
      run.timer = null;
      void this.#poll(run);
    }, delayMs);
  }

  async #poll(run: Run): Promise<void> {
    let again = false;
    try {
      const events = await this.#feed.readAfter({
        afterId: run.position.toString(),
        limit: this.#batchSize,
      });
      // Stopped meanwhile: a later run reads from its own position.
      if (this.#run !== run) return;
      const settled = this.#settle(run.position, events);
      const last = settled.at(-1);
      if (last !== undefined) {
        run.position = BigInt(last.id);
        this.#deliver(settled);
      }
      again = events.length === this.#batchSize && settled.length === events.length;
      if (this.#failing) this.#logger.info('event stream reads the event store again');
      this.#failing = false;
    } catch (error: unknown) {
      if (!this.#failing) {
        this.#logger.warn('event stream cannot read the event store; retrying', {
          error: describeError(error),
        });
      }
      this.#failing = true;
    }
    if (this.#run === run) this.#schedule(run, again ? 0 : this.#pollIntervalMs);
  }

  /**
   * The leading events that can be streamed: up to the first gap younger than the grace.
   * Every gap in the batch ages from when it was first seen, so several gaps cost one grace,
   * not one each.
   */
  #settle(position: bigint, events: readonly SagaFeedEvent[]): SagaFeedEvent[] {
    const now = this.#now();
    const open = new Map<string, number>();
    const settled: SagaFeedEvent[] = [];
    let previous = position;
    let held = false;
    for (const event of events) {
      const id = BigInt(event.id);
      if (id !== previous + 1n) {
        const since = this.#gaps.get(event.id) ?? now;
        open.set(event.id, since);
        if (now - since < this.#gapGraceMs) held = true;
      }
      if (!held) settled.push(event);
      previous = id;
    }
    this.#gaps = open;
    return settled;
  }

  #deliver(events: readonly SagaFeedEvent[]): void {
    for (const subscriber of [...this.#subscribers]) {
      try {
        subscriber.deliver(events);
      } catch (error: unknown) {
        this.#logger.error('an event stream failed to take events', {
          error: describeError(error),
        });
      }
    }
  }
}
