import {
  checkOptions,
  hasMethods,
  isPositiveInteger,
  type Logger,
  noopLogger,
  notifyObserver,
  type Outbox,
  type OutboxMessage,
} from '@sagaflow/core';

import {
  abortableSleep,
  backoffDelay,
  type BackoffOptions,
  type ResolvedBackoff,
  resolveBackoff,
} from './backoff';
import { ProducerFencedError } from './errors';
import { type OutboxPublisher } from './outbox-publisher';
import { SerialQueue } from './serial-queue';
import { WakeSignal } from './wake-signal';

/**
 * What an {@link OutboxRelay} reports to whoever watches it (metrics, logs). Every hook is
 * optional and must not throw: an error it throws is logged and ignored.
 */
export interface OutboxRelayObserver {
  /** After each batch published, with its size and the time to claim, publish and mark it. */
  readonly onPublished?: (event: { readonly count: number; readonly durationMs: number }) => void;
  /** After each failed pass; the relay backs off and tries again. */
  readonly onError?: (error: unknown) => void;
}

/** Options of {@link OutboxRelay}. */
export interface OutboxRelayOptions {
  /** Where the messages wait (`MySqlOutbox`, or core's `InMemoryOutbox` in tests). Required. */
  readonly outbox: Outbox;
  /** Publishes each batch: an `IdempotentPublisher` (`createRelayPublisher`), or a `TransactionalPublisher`. Required. */
  readonly publisher: OutboxPublisher;
  /** Most messages claimed and published in one pass. @defaultValue `200` */
  readonly batchSize?: number;
  /**
   * Pause between two passes that found less than a full batch, in ms: the fallback for
   * commits that did not call {@link OutboxRelay.wake} (another process, a crash between
   * commit and wake). @defaultValue `200`
   */
  readonly pollIntervalMs?: number;
  /**
   * Unpublished rows this old are the passes' to publish, in ms; younger ones are being
   * published right after their commit ({@link OutboxRelay.publishCommitted}), by this
   * process or another. Rows get this old when their process died before publishing them,
   * or after a failed send (then the passes take every row at once). @defaultValue `5000`
   */
  readonly sweepAfterMs?: number;
  /** Back-off after failed passes; wake-ups do not shorten it. @defaultValue `{ initialDelayMs: 200, maxDelayMs: 5000 }` */
  readonly backoff?: BackoffOptions;
  /** @defaultValue a logger that drops everything */
  readonly logger?: Logger;
  /** Told of published batches and failures. @defaultValue none */
  readonly observer?: OutboxRelayObserver;
}

/** Counters since the relay was created. */
export interface OutboxRelayStats {
  /** Passes run (each claims at most one batch), failed ones included. */
  readonly passes: number;
  /** Batches published. */
  readonly batches: number;
  /** Messages published. */
  readonly published: number;
  /** Failed passes. */
  readonly failures: number;
}

interface ResolvedOptions {
  readonly outbox: Outbox;
  readonly publisher: OutboxPublisher;
  readonly batchSize: number;
  readonly pollIntervalMs: number;
  readonly sweepAfterMs: number;
  readonly backoff: ResolvedBackoff;
  readonly logger: Logger;
  readonly observer: OutboxRelayObserver;
}

/**
 * How long the fast lane's marker gathers the ids of further sends before marking: far below
 * `sweepAfterMs`, so a pass never takes a row only because its mark waited.
 */
const MARK_AFTER_MS = 50;

function resolveOptions(options: OutboxRelayOptions): ResolvedOptions {
  const o: ResolvedOptions = {
    outbox: options.outbox,
    publisher: options.publisher,
    batchSize: options.batchSize ?? 200,
    pollIntervalMs: options.pollIntervalMs ?? 200,
    sweepAfterMs: options.sweepAfterMs ?? 5000,
    backoff: resolveBackoff('OutboxRelay', 'backoff', options.backoff),
    logger: options.logger ?? noopLogger,
    observer: options.observer ?? {},
  };
  checkOptions('OutboxRelay', [
    ['outbox', '[object]', hasMethods(o.outbox, ['publishBatch', 'markPublished']), 'an Outbox'],
    ['publisher', '[object]', hasMethods(o.publisher, ['publish', 'reset']), 'an OutboxPublisher'],
    ['batchSize', o.batchSize, isPositiveInteger(o.batchSize), 'an integer > 0'],
    ['pollIntervalMs', o.pollIntervalMs, isPositiveInteger(o.pollIntervalMs), 'an integer > 0'],
    ['sweepAfterMs', o.sweepAfterMs, isPositiveInteger(o.sweepAfterMs), 'an integer > 0'],
    ['hooks', '[object]', !('hooks' in options), 'unset: it was renamed observer'],
  ]);
  return o;
}

/**
 * Moves messages from the outbox to Kafka: each pass claims up to `batchSize` unpublished
 * messages and publishes them in one send (one Kafka transaction with a
 * `TransactionalPublisher`); the outbox marks them published only once the broker has them. Runs passes back to back while batches come out
 * full, then waits for {@link wake} or `pollIntervalMs`. Failures are logged and backed off
 * (bounded exponential); the loop never dies. One relay never runs two passes at once.
 *
 * Per-key order comes from the outbox (it never hands out a key's message while an earlier
 * one is unpublished) and from the publisher (array order within a send).
 *
 * @example
 * ```ts
 * const relay = new OutboxRelay({ outbox, publisher, logger });
 * relay.start();
 * await eventStore.append(request);
 * relay.wake(); // publish now rather than at the next poll
 * await relay.stop();
 * ```
 */
export class OutboxRelay {
  readonly #options: ResolvedOptions;
  readonly #logger: Logger;
  readonly #passes = new SerialQueue();
  readonly #signal = new WakeSignal();
  #loop: Promise<void> | undefined;
  #stopping = false;
  /** Messages handed over by {@link publishCommitted}, waiting for the next send. */
  #fresh: OutboxMessage[] = [];
  /** The fast lane's sender: whether it runs, and its run (for `stop()`). */
  #senderRunning = false;
  #sending: Promise<void> = Promise.resolve();
  /** Ids the fast lane published, waiting for the marker's next statement. */
  #toMark: string[] = [];
  #markerRunning = false;
  #marking: Promise<void> = Promise.resolve();
  /** Aborted by `stop()`: the marker marks what it holds at once. */
  #markNow = new AbortController();
  /**
   * Set at start and by a failed fast send: the passes publish everything, in order, until
   * one that started afterwards took less than a full batch.
   */
  #standAside = false;
  /** When the relay last began standing aside (`performance.now()`). */
  #standAsideSince = 0;
  /** When a message was last left to the passes (`performance.now()`). */
  #leftAt = 0;
  /** A wake-up asked the next pass to take every row, however young. */
  #woken = false;
  readonly #stats: { -readonly [K in keyof OutboxRelayStats]: number } = {
    passes: 0,
    batches: 0,
    published: 0,
    failures: 0,
  };

  constructor(options: OutboxRelayOptions) {
    this.#options = resolveOptions(options);
    this.#logger = this.#options.logger.child({ component: 'outbox-relay' });
  }

  /** Counters since creation. */
  get stats(): OutboxRelayStats {
    return { ...this.#stats };
  }

  /** True between {@link start} and the end of {@link stop}. */
  get running(): boolean {
    return this.#loop !== undefined;
  }

  /** Starts the publishing loop in the background; does nothing if it runs already. */
  start(): void {
    if (this.#loop !== undefined) return;
    this.#stopping = false;
    // What the outbox holds from before goes first: the fast lane waits for a pass that
    // took less than a full batch.
    this.#standAside = true;
    this.#standAsideSince = performance.now();
    this.#markNow = new AbortController();
    this.#signal.resume();
    this.#logger.info('outbox relay started', {
      batchSize: this.#options.batchSize,
      pollIntervalMs: this.#options.pollIntervalMs,
    });
    this.#loop = this.#run();
  }

  /**
   * Publishes messages right after the commit that wrote them, without reading the outbox:
   * what is handed over while a send is in progress goes out with the next one, and the
   * rows are then marked published, several sends' in one statement, while the next send
   * runs. Passes take over whatever is not marked within `sweepAfterMs`.
   *
   * When a send fails, the fast lane stands aside — its messages stay in the outbox and the
   * passes publish everything in order, as {@link wake} asks them to — until a pass finds
   * the outbox empty again. Before {@link start} or after {@link stop}, it only wakes.
   */
  publishCommitted(messages: readonly OutboxMessage[]): void {
    if (messages.length === 0) return;
    if (this.#loop === undefined || this.#stopping || this.#standAside) {
      this.#leftAt = performance.now();
      this.wake();
      return;
    }
    this.#fresh.push(...messages);
    if (this.#senderRunning) return;
    this.#senderRunning = true;
    this.#sending = this.#sendFresh();
  }

  /**
   * Sends what was handed over, batch after batch. It ends (and clears `#senderRunning`) in
   * the same step as its last look at `#fresh`: a message handed over after that starts a
   * new sender.
   */
  async #sendFresh(): Promise<void> {
    const { publisher, batchSize } = this.#options;
    for (;;) {
      if (this.#fresh.length === 0 || this.#standAside) {
        this.#senderRunning = false;
        return;
      }
      const batch = this.#fresh.splice(0, batchSize);
      const started = Date.now();
      try {
        await this.#passes.run(() => publisher.publish(batch));
      } catch (error: unknown) {
        // Unmarked, the batch and the rest stay in the outbox: the passes publish them in
        // order (what the broker got already comes again; consumers drop the copies).
        this.#standAside = true;
        this.#standAsideSince = performance.now();
        this.#fresh = [];
        this.#senderRunning = false;
        this.#stats.failures += 1;
        this.#logger.warn('publishing committed messages failed; the passes publish them', {
          error,
          count: batch.length,
        });
        notifyObserver(this.#options.observer, 'onError', error, {
          logger: this.#logger,
          component: 'outbox relay',
        });
        this.wake();
        return;
      }
      this.#markLater(batch.map((m) => m.id));
      const durationMs = Date.now() - started;
      this.#stats.batches += 1;
      this.#stats.published += batch.length;
      notifyObserver(
        this.#options.observer,
        'onPublished',
        { count: batch.length, durationMs },
        { logger: this.#logger, component: 'outbox relay' },
      );
    }
  }

  /**
   * Marks what the fast lane published, without holding up its next send: the marker waits
   * {@link MARK_AFTER_MS} first, and the ids handed over meanwhile or while a mark runs go
   * in one statement. A mark that fails is only logged — the rows stay unpublished and the
   * passes send them again after `sweepAfterMs` (consumers drop the copies).
   */
  #markLater(ids: readonly string[]): void {
    this.#toMark.push(...ids);
    if (this.#markerRunning) return;
    this.#markerRunning = true;
    this.#marking = this.#markAll();
  }

  /** Ends (and clears `#markerRunning`) in the same step as its last look at `#toMark`. */
  async #markAll(): Promise<void> {
    for (;;) {
      await abortableSleep(MARK_AFTER_MS, this.#markNow.signal);
      const ids = this.#toMark.splice(0);
      if (ids.length === 0) {
        this.#markerRunning = false;
        return;
      }
      try {
        await this.#options.outbox.markPublished(ids);
      } catch (error: unknown) {
        this.#logger.warn('marking published messages failed; the passes send them again', {
          error,
          count: ids.length,
        });
        notifyObserver(this.#options.observer, 'onError', error, {
          logger: this.#logger,
          component: 'outbox relay',
        });
      }
    }
  }

  /**
   * Asks for a pass now that takes every unpublished row, however young (call it after
   * committing outbox rows not handed to {@link publishCommitted}). Wake-ups coalesce:
   * however many arrive during a pass, one more pass follows it. During a failure back-off
   * they only mark that a pass is due.
   */
  wake(): void {
    this.#woken = true;
    this.#signal.wake();
  }

  /** Lets the pass in progress finish (its batch is published or not, never half), then stops. */
  async stop(): Promise<void> {
    const loop = this.#loop;
    if (loop === undefined) return;
    this.#stopping = true;
    this.#signal.interrupt();
    await this.#sending;
    this.#markNow.abort();
    await this.#marking;
    await loop;
    this.#loop = undefined;
    this.#logger.info('outbox relay stopped', { ...this.#stats });
  }

  /**
   * Runs passes until one finds nothing to publish, and resolves with the number of
   * messages published; rejects with the first failure. Shares the relay's one-pass-at-a-
   * time lane, so it is safe while the loop runs. For shutdown (after {@link stop}) and tests.
   */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await this.#passes.run(() => this.#pass(true));
      if (count === 0) return total;
      total += count;
    }
  }

  async #run(): Promise<void> {
    const { batchSize, pollIntervalMs, backoff } = this.#options;
    let failures = 0;
    while (!this.#isStopping()) {
      this.#signal.clear();
      try {
        const count = await this.#passes.run(() => this.#pass());
        failures = 0;
        // A full batch means more may be waiting: drain before sleeping.
        if (count >= batchSize) continue;
        await this.#signal.wait(pollIntervalMs, true);
      } catch (error) {
        failures += 1;
        const fenced = error instanceof ProducerFencedError;
        await this.#signal.wait(
          fenced ? backoff.maxDelayMs : backoffDelay(failures, backoff),
          false,
        );
        if (fenced && !this.#isStopping()) await this.#resetPublisher();
      }
    }
  }

  /** A method, not the field: the flag changes while the loop awaits. */
  #isStopping(): boolean {
    return this.#stopping;
  }

  /**
   * One pass: every unpublished row while the fast lane stands aside (or `all`), else the
   * rows older than `sweepAfterMs`.
   */
  async #pass(all = false): Promise<number> {
    const { outbox, publisher, batchSize, sweepAfterMs } = this.#options;
    const started = Date.now();
    const startedAt = performance.now();
    const everything = all || this.#standAside || this.#woken;
    this.#woken = false;
    try {
      const count = await outbox.publishBatch(
        batchSize,
        (messages) => publisher.publish(messages),
        everything ? {} : { createdBefore: new Date(started - sweepAfterMs) },
      );
      // What waited is out (less than a full batch was left): the fast lane takes over,
      // and one more pass takes what was left to the passes while this one ran. A saga
      // committing twice within that pass could see its second message first; consumers
      // tolerate that (a late forward is refused, a stale reply ignored).
      if (this.#standAside && count < batchSize && startedAt > this.#standAsideSince) {
        this.#standAside = false;
        if (this.#leftAt > startedAt) this.wake();
      }
      this.#stats.passes += 1;
      this.#stats.batches += count > 0 ? 1 : 0;
      this.#stats.published += count;
      if (count > 0) {
        const durationMs = Date.now() - started;
        this.#logger.debug('published outbox batch', { count, durationMs });
        notifyObserver(
          this.#options.observer,
          'onPublished',
          { count, durationMs },
          { logger: this.#logger, component: 'outbox relay' },
        );
      }
      return count;
    } catch (error) {
      this.#stats.passes += 1;
      this.#stats.failures += 1;
      const fields = { error, failures: this.#stats.failures };
      if (error instanceof ProducerFencedError) {
        this.#logger.error('outbox relay fenced: another relay uses its transactional id', fields);
      } else {
        this.#logger.warn('outbox relay pass failed; the batch stays unpublished', fields);
      }
      notifyObserver(this.#options.observer, 'onError', error, {
        logger: this.#logger,
        component: 'outbox relay',
      });
      throw error;
    }
  }

  async #resetPublisher(): Promise<void> {
    try {
      await this.#options.publisher.reset();
    } catch (error) {
      this.#logger.error('resetting the fenced publisher failed', { error });
    }
  }
}
