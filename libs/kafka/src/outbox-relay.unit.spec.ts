import {
  type Clock,
  InvalidArgumentError,
  type OutboxMessage,
  TransientError,
} from '@sagaflow/core';
import { InMemoryOutbox, RecordingLogger } from '@sagaflow/core/testing';

import { ProducerFencedError } from './errors';
import { type OutboxPublisher } from './outbox-publisher';
import { OutboxRelay } from './outbox-relay';

const clock: Clock = { now: () => new Date('2024-05-01T12:00:00.000Z') };
const LONG_POLL = 600_000;
const backoff = { initialDelayMs: 5, maxDelayMs: 20 };

/** A publisher scripted by the test: records batches, fails while told to. */
class ScriptedPublisher implements OutboxPublisher {
  readonly batches: string[][] = [];
  resets = 0;
  inFlight = 0;
  maxInFlight = 0;
  failWith: (() => Error) | undefined;
  gate: Promise<void> | undefined;

  async publish(messages: readonly OutboxMessage[]): Promise<void> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.gate;
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (this.failWith !== undefined) throw this.failWith();
      this.batches.push(messages.map((m) => m.id));
    } finally {
      this.inFlight -= 1;
    }
  }

  reset(): Promise<void> {
    this.resets += 1;
    this.failWith = undefined;
    return Promise.resolve();
  }
}

function messages(count: number, from = 0): OutboxMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `m${from + i}`,
    topic: 't',
    key: `saga-${(from + i) % 4}`,
    headers: {},
    value: '{}',
  }));
}

async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('OutboxRelay', () => {
  let outbox: InMemoryOutbox;
  let publisher: ScriptedPublisher;
  let relay: OutboxRelay;

  beforeEach(() => {
    outbox = new InMemoryOutbox({ clock });
    publisher = new ScriptedPublisher();
  });

  afterEach(async () => {
    await relay.stop();
  });

  it('runs passes back to back while batches are full, then waits for a wake-up', async () => {
    outbox.enqueue(messages(25));
    relay = new OutboxRelay({
      outbox,
      publisher,
      batchSize: 10,
      pollIntervalMs: LONG_POLL,
      backoff,
    });
    relay.start();
    await until(async () => (await outbox.pendingCount()) === 0);
    expect(publisher.batches.map((b) => b.length)).toEqual([10, 10, 5]);

    outbox.enqueue(messages(3, 25));
    relay.wake();
    relay.wake();
    await until(async () => (await outbox.pendingCount()) === 0);
    expect(relay.stats).toEqual({ passes: 4, batches: 4, published: 28, failures: 0 });
  });

  it('backs off after a failure, keeps the batch in the outbox and publishes it later', async () => {
    const logger = new RecordingLogger();
    const errors: unknown[] = [];
    const published: number[] = [];
    outbox.enqueue(messages(3));
    publisher.failWith = () => new TransientError('KAFKA_PUBLISH_FAILED', 'broker unavailable');
    relay = new OutboxRelay({
      outbox,
      publisher,
      pollIntervalMs: LONG_POLL,
      backoff,
      logger,
      observer: {
        onError: (e) => errors.push(e),
        onPublished: ({ count }) => published.push(count),
      },
    });
    relay.start();
    await until(() => relay.stats.failures >= 3);
    expect(await outbox.pendingCount()).toBe(3);
    publisher.failWith = undefined;
    await until(async () => (await outbox.pendingCount()) === 0);
    expect(publisher.batches).toEqual([['m0', 'm1', 'm2']]);
    expect(published).toEqual([3]);
    expect(errors.length).toBe(relay.stats.failures);
    expect(logger.lines.some((l) => l.level === 'warn' && l.message.includes('pass failed'))).toBe(
      true,
    );
  });

  it('resets a fenced publisher after its longest back-off, and goes on publishing', async () => {
    const logger = new RecordingLogger();
    outbox.enqueue(messages(2));
    publisher.failWith = () => new ProducerFencedError('relay-1');
    relay = new OutboxRelay({ outbox, publisher, pollIntervalMs: LONG_POLL, backoff, logger });
    relay.start();
    await until(async () => (await outbox.pendingCount()) === 0);
    expect(publisher.resets).toBe(1);
    expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(1);
  });

  it('stop() lets the pass in progress finish', async () => {
    let open = (): void => undefined;
    publisher.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    outbox.enqueue(messages(4));
    relay = new OutboxRelay({ outbox, publisher, pollIntervalMs: LONG_POLL, backoff });
    relay.start();
    await until(() => publisher.inFlight === 1);
    let stopped = false;
    const stopping = relay.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(stopped).toBe(false);
    open();
    await stopping;
    expect(relay.running).toBe(false);
    expect(await outbox.pendingCount()).toBe(0);
  });

  it('drain() publishes until empty alongside the loop, never two passes at once, and reports failures', async () => {
    relay = new OutboxRelay({ outbox, publisher, batchSize: 7, pollIntervalMs: 1, backoff });
    relay.start();
    outbox.enqueue(messages(50));
    await relay.drain();
    expect(await outbox.pendingCount()).toBe(0);
    expect(publisher.batches.flat()).toHaveLength(50);
    expect(publisher.maxInFlight).toBe(1);

    await relay.stop();
    outbox.enqueue(messages(1, 50));
    publisher.failWith = () => new TransientError('KAFKA_PUBLISH_FAILED', 'down');
    await expect(relay.drain()).rejects.toMatchObject({
      name: 'TransientError',
      code: 'KAFKA_PUBLISH_FAILED',
    });
  });

  it('names invalid options', () => {
    expect(
      () =>
        new OutboxRelay({
          outbox,
          publisher: {} as OutboxPublisher,
          batchSize: 0,
          pollIntervalMs: 1.5,
        }),
    ).toThrow(InvalidArgumentError);
    expect(() => new OutboxRelay({ outbox, publisher, batchSize: 0 })).toThrow('batchSize=0');
    relay = new OutboxRelay({ outbox, publisher });
  });

  it('refuses the hooks option, renamed observer, instead of ignoring it', () => {
    const renamed = { outbox, publisher, hooks: { onError: () => undefined } };
    expect(() => new OutboxRelay(renamed)).toThrow(
      'hooks="[object]" (expected unset: it was renamed observer)',
    );
  });
});
