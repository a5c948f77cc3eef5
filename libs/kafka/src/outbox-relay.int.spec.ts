import { type Outbox, type OutboxMessage, type OutboxRecord } from '@sagaflow/core';
import { InMemoryOutbox } from '@sagaflow/core/testing';

import { createKafkaTestEnv, type KafkaTestEnv } from './__fixtures__/kafka-test-env';
import {
  byKey,
  clock,
  firstAppearances,
  idsOf,
  message,
  RelayTracker,
  setMaxMessageBytes,
} from './__fixtures__/relay-support';
import { IdempotentPublisher } from './idempotent-publisher';
import { type OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
import { TransactionalPublisher } from './transactional-publisher';

describe('OutboxRelay over a real broker', () => {
  let env: KafkaTestEnv;
  const tracked = new RelayTracker();

  const publisher = (name: string): TransactionalPublisher => {
    const p = new TransactionalPublisher({
      kafka: env.kafka,
      transactionalId: `sagaflow-test-relay-${name}-${env.suffix}`,
      retries: 1,
      logger: env.logger,
    });
    return tracked.publisher(p);
  };
  const relay = (
    outbox: InMemoryOutbox,
    p: TransactionalPublisher,
    batchSize: number,
    pollIntervalMs = 100,
  ): OutboxRelay => tracked.relay(env, { outbox, publisher: p, batchSize, pollIntervalMs });

  beforeAll(async () => {
    env = await createKafkaTestEnv('relay');
  });

  afterAll(async () => {
    await tracked.stopAll();
    await env.cleanup();
  });

  it('publishes each message once in per-key order; a failed publish is aborted, stays in the outbox and goes out on a later pass', async () => {
    const [main, small] = await env.createTopics(['main', 'small'], 3, {});
    if (main === undefined || small === undefined) throw new Error('topics');
    // A topic whose size limit refuses one of the messages: the transaction fails after the
    // broker appended the others, until the limit is raised.
    await setMaxMessageBytes(env, small, 1000);
    const outbox = new InMemoryOutbox({ clock });
    const sent = Array.from({ length: 30 }, (_, n) => message(main, `saga-${n % 3}`, n));
    outbox.enqueue(sent.slice(0, 10));
    outbox.enqueue([message(small, 'saga-0', 99, 5000)]);
    outbox.enqueue(sent.slice(10));
    const r = relay(outbox, publisher('order'), 200);
    r.start();

    await env.eventually(() => r.stats.failures >= 3, 'three failed passes');
    expect(await outbox.pendingCount()).toBe(31);
    expect(r.stats.published).toBe(0);

    await setMaxMessageBytes(env, small, 1048588);
    await env.eventually(async () => (await outbox.pendingCount()) === 0, 'the outbox to drain');
    await r.stop();

    const committed = await env.readTopic(main);
    expect(committed).toHaveLength(30);
    const keys = byKey(committed);
    for (const key of ['saga-0', 'saga-1', 'saga-2']) {
      expect(keys.get(key)).toEqual(sent.filter((m) => m.key === key).map((m) => m.id));
    }
    expect((await env.readTopic(small)).map((m) => m.value?.length)).toEqual([5000]);
    // The failed passes did reach the log — as aborted records, which only a
    // read_uncommitted reader sees.
    const everything = await env.readTopic(main, { readUncommitted: true });
    expect(everything.length).toBeGreaterThan(30);
    expect(r.stats.published).toBe(31);
  });

  it('publishes promptly on wake(), and coalesces many wake-ups into one pass', async () => {
    const [topic] = await env.createTopics(['wake'], 1);
    if (topic === undefined) throw new Error('topic');
    const outbox = new InMemoryOutbox({ clock });
    // Only a wake-up can trigger a pass within the test's deadline.
    const r = relay(outbox, publisher('wake'), 200, 600_000);
    r.start();
    await env.eventually(() => r.stats.passes === 1, 'the first (empty) pass');

    outbox.enqueue([message(topic, 'saga-w', 1), message(topic, 'saga-w', 2)]);
    r.wake();
    r.wake();
    r.wake();
    await env.eventually(async () => (await outbox.pendingCount()) === 0, 'the woken pass', 10_000);
    await r.stop();

    expect(r.stats).toEqual({ passes: 2, batches: 1, published: 2, failures: 0 });
    expect((await env.readTopic(topic)).map((m) => m.headers['sagaflow-message-id'])).toEqual([
      'saga-w.m1',
      'saga-w.m2',
    ]);
  });

  it('two relays with different transactional ids over one outbox publish every message exactly once', async () => {
    const [topic] = await env.createTopics(['two-relays'], 3);
    if (topic === undefined) throw new Error('topic');
    const outbox = new InMemoryOutbox({ clock });
    const a = relay(outbox, publisher('a'), 15, 50);
    const b = relay(outbox, publisher('b'), 15, 50);
    a.start();
    b.start();
    const sent: OutboxMessage[] = [];
    for (let chunk = 0; chunk < 4; chunk += 1) {
      const messages = Array.from({ length: 50 }, (_, i) => {
        const n = chunk * 50 + i;
        return message(topic, `saga-${n % 20}`, n);
      });
      outbox.enqueue(messages);
      sent.push(...messages);
      a.wake();
      b.wake();
    }
    await env.eventually(async () => (await outbox.pendingCount()) === 0, 'both relays to drain');
    await Promise.all([a.stop(), b.stop()]);

    const records = await env.readTopic(topic);
    expect(records).toHaveLength(200);
    expect(new Set(records.map((m) => m.headers['sagaflow-message-id'])).size).toBe(200);
    const keys = byKey(records);
    for (let k = 0; k < 20; k += 1) {
      const key = `saga-${k}`;
      expect(keys.get(key)).toEqual(sent.filter((m) => m.key === key).map((m) => m.id));
    }
    expect(a.stats.published + b.stats.published).toBe(200);
  });
});

/** What one `publishBatch` call of a relay asked for and got. */
interface RecordedPass {
  readonly createdBefore: Date | undefined;
  /** The ids handed to `publish`, in order (empty when none). */
  ids: readonly string[];
  /** What it resolved with; undefined while running or when it rejected. */
  count: number | undefined;
  failed: boolean;
}

/**
 * Core's InMemoryOutbox behind a wrapper that records each `publishBatch` (with its
 * `createdBefore`) and each `markPublished`, and can run a callback while a batch is being
 * published.
 */
class RecordingOutbox implements Outbox {
  readonly passes: RecordedPass[] = [];
  readonly marked: (readonly string[])[] = [];
  /** Called with the ids of each batch a pass hands to `publish`, before publishing it. */
  onPublish: ((ids: readonly string[]) => void) | undefined;

  constructor(readonly inner: InMemoryOutbox) {}

  async publishBatch(
    limit: number,
    publish: (messages: readonly OutboxRecord[]) => Promise<void>,
    options: { readonly createdBefore?: Date } = {},
  ): Promise<number> {
    const pass: RecordedPass = {
      createdBefore: options.createdBefore,
      ids: [],
      count: undefined,
      failed: false,
    };
    this.passes.push(pass);
    try {
      pass.count = await this.inner.publishBatch(
        limit,
        (messages) => {
          pass.ids = messages.map((m) => m.id);
          this.onPublish?.(pass.ids);
          return publish(messages);
        },
        options,
      );
      return pass.count;
    } catch (error) {
      pass.failed = true;
      throw error;
    }
  }

  /** While set, `markPublished` waits for it; then it marks, or throws when it rejects. */
  markGate: Promise<void> | undefined;

  async markPublished(ids: readonly string[]): Promise<number> {
    this.marked.push([...ids]);
    if (this.markGate !== undefined) await this.markGate;
    return this.inner.markPublished(ids);
  }

  pendingCount(): Promise<number> {
    return this.inner.pendingCount();
  }

  /** Writes messages as one commit would. */
  enqueue(messages: readonly OutboxMessage[]): void {
    this.inner.enqueue(messages);
  }
}

/** Every callback queued so far (microtasks, timers due, I/O) has run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Long enough that a poll or a sweep never happens during a test. */
const NEVER = 600_000;

describe('OutboxRelay.publishCommitted', () => {
  let env: KafkaTestEnv;
  const tracked = new RelayTracker();
  const publisher = (): IdempotentPublisher =>
    tracked.publisher(new IdempotentPublisher({ kafka: env.kafka, logger: env.logger }));
  const relay = (
    outbox: Outbox,
    p: IdempotentPublisher,
    options: Partial<OutboxRelayOptions> = {},
  ): OutboxRelay =>
    tracked.relay(env, {
      outbox,
      publisher: p,
      batchSize: 200,
      pollIntervalMs: NEVER,
      sweepAfterMs: NEVER,
      ...options,
    });
  const recordingOutbox = () => new RecordingOutbox(new InMemoryOutbox({ clock }));
  /** A commit that wrote `messages`, then handed them to the relay. */
  const commit = (outbox: RecordingOutbox, r: OutboxRelay, messages: OutboxMessage[]) => {
    outbox.enqueue(messages);
    r.publishCommitted(messages);
    return messages;
  };
  const pendingIs = (outbox: Outbox, n: number, what: string) =>
    env.eventually(async () => (await outbox.pendingCount()) === n, what, 10_000);

  beforeAll(async () => {
    env = await createKafkaTestEnv('relay-fast');
  });

  afterAll(async () => {
    await tracked.stopAll();
    await env.cleanup();
  });

  it('publishes handed-over messages without a pass, in per-key order, marks them published and counts them; what arrives during a send goes with the next one', async () => {
    const [topic] = await env.createTopics(['fast'], 3);
    if (topic === undefined) throw new Error('topic');
    const outbox = recordingOutbox();
    const published: number[] = [];
    const r = relay(outbox, publisher(), {
      observer: { onPublished: ({ count }) => published.push(count) },
    });
    r.start();
    await env.eventually(() => r.stats.passes === 1, 'the first (empty) pass');

    // Five commits in a row: the first starts a send, the four others wait for the next one.
    const sent: OutboxMessage[] = [];
    const commits: string[][] = [];
    for (let c = 0; c < 5; c += 1) {
      const messages = [0, 1, 2].map((i) => message(topic, `saga-${i}`, c * 3 + i));
      sent.push(...commit(outbox, r, messages));
      commits.push(messages.map((m) => m.id));
    }
    await pendingIs(outbox, 0, 'the handed-over messages to be published');
    // A later commit starts a send of its own.
    sent.push(...commit(outbox, r, [message(topic, 'saga-0', 15)]));
    await pendingIs(outbox, 0, 'the later commit to be published');
    await r.stop();

    expect(r.stats).toEqual({ passes: 1, batches: 3, published: 16, failures: 0 });
    expect(published).toEqual([3, 12, 1]);
    expect(outbox.passes).toEqual([{ createdBefore: undefined, ids: [], count: 0, failed: false }]);
    expect(outbox.marked.flat()).toEqual(commits.flat().concat('saga-0.m15'));
    expect(outbox.inner.records().every((m) => m.publishedAt !== null)).toBe(true);
    const records = await env.readTopic(topic);
    expect(records).toHaveLength(16);
    const keys = byKey(records);
    for (const key of ['saga-0', 'saga-1', 'saga-2']) {
      expect(keys.get(key)).toEqual(sent.filter((m) => m.key === key).map((m) => m.id));
    }
  });

  it('right after start, leaves handed-over messages to the passes, which publish the rows from before first, then takes over once a pass found nothing', async () => {
    const [topic] = await env.createTopics(['aside'], 3);
    if (topic === undefined) throw new Error('topic');
    const outbox = recordingOutbox();
    // Rows from before the start (a crashed process's, say), more than one batch.
    const old = Array.from({ length: 6 }, (_, n) => message(topic, `saga-${n % 2}`, n));
    outbox.enqueue(old);
    const r = relay(outbox, publisher(), { batchSize: 4 });
    const during: OutboxMessage[] = [];
    outbox.onPublish = () => {
      // A commit while the first pass publishes the old rows.
      if (during.length === 0) during.push(...commit(outbox, r, [message(topic, 'saga-0', 8)]));
    };
    r.start();
    const right = commit(outbox, r, [message(topic, 'saga-0', 6), message(topic, 'saga-1', 7)]);
    await pendingIs(outbox, 0, 'the passes to publish everything');

    const sent = [...old, ...right, ...during];
    expect(during).toHaveLength(1);
    // Nothing went through the fast lane: every row was published by a pass of everything.
    expect(outbox.marked).toEqual([]);
    expect(outbox.passes.every((p) => p.createdBefore === undefined && !p.failed)).toBe(true);
    expect(outbox.passes.flatMap((p) => p.ids)).toEqual(sent.map((m) => m.id));
    expect(r.stats.published).toBe(9);
    const keys = byKey(await env.readTopic(topic));
    expect(keys.get('saga-0')).toEqual(idsOf(sent, 'saga-0'));
    expect(keys.get('saga-1')).toEqual(idsOf(sent, 'saga-1'));
    expect(keys.get('saga-0')?.slice(0, 3)).toEqual(['saga-0.m0', 'saga-0.m2', 'saga-0.m4']);

    // A pass that finds the outbox empty hands back to the fast lane.
    const passesBefore = outbox.passes.length;
    r.wake();
    await env.eventually(
      () => outbox.passes.slice(passesBefore).some((p) => p.count === 0),
      'an empty pass',
    );
    const stats = r.stats;
    commit(outbox, r, [message(topic, 'saga-1', 9)]);
    await pendingIs(outbox, 0, 'the fast lane to publish');
    expect(outbox.marked).toEqual([['saga-1.m9']]);
    expect(r.stats.passes).toBe(stats.passes);
    expect(r.stats.published).toBe(10);
    await r.stop();
  });

  it('after a failed fast send, leaves everything to the passes, which publish it in per-key order once they can; then the fast lane takes over again', async () => {
    const [main, small] = await env.createTopics(['failed', 'failed-small'], 3);
    if (main === undefined || small === undefined) throw new Error('topics');
    await setMaxMessageBytes(env, small, 1000);
    const outbox = recordingOutbox();
    const errors: unknown[] = [];
    const r = relay(outbox, publisher(), { observer: { onError: (e) => errors.push(e) } });
    r.start();
    await env.eventually(() => r.stats.passes === 1, 'the first (empty) pass');
    const passesAfterStart = outbox.passes.length;

    // The broker refuses the big message: the fast send fails.
    const first = commit(outbox, r, [
      message(main, 'saga-0', 0),
      message(main, 'saga-1', 1),
      message(small, 'saga-0', 2, 5000),
      message(main, 'saga-0', 3),
    ]);
    await env.eventually(() => r.stats.failures >= 1, 'the fast send to fail');
    // Handed over while standing aside: left in the outbox for the passes.
    const second = commit(outbox, r, [message(main, 'saga-1', 4), message(main, 'saga-0', 5)]);
    const fromSecond = outbox.passes.length;
    await env.eventually(
      () => outbox.passes.slice(fromSecond).filter((p) => p.failed).length >= 2,
      'two failed passes after the hand-over',
    );
    expect(await outbox.pendingCount()).toBe(6);
    expect(r.stats.published).toBe(0);
    expect(r.stats.failures).toBeGreaterThanOrEqual(3);
    expect(outbox.marked).toEqual([]);
    expect(errors.length).toBe(r.stats.failures);
    // Every pass since the failed send takes everything (no createdBefore) and fails; those
    // after the hand-over take its rows too, after the others.
    const retries = outbox.passes.slice(passesAfterStart);
    expect(retries.filter((p) => p.createdBefore !== undefined || p.count !== undefined)).toEqual(
      [],
    );
    for (const p of outbox.passes.slice(fromSecond).filter((q) => q.failed)) {
      expect(p.ids).toEqual([...first, ...second].map((m) => m.id));
    }

    await setMaxMessageBytes(env, small, 1048588);
    await pendingIs(outbox, 0, 'the passes to publish everything');
    expect(outbox.marked).toEqual([]);
    expect(r.stats.published).toBe(6);
    const sent = [...first, ...second].filter((m) => m.topic === main);
    const keys = byKey(await env.readTopic(main));
    // Failed sends may have appended some records before: at least once, first appearances in order.
    expect(firstAppearances(keys.get('saga-0') ?? [])).toEqual(idsOf(sent, 'saga-0'));
    expect(firstAppearances(keys.get('saga-1') ?? [])).toEqual(idsOf(sent, 'saga-1'));
    expect((await env.readTopic(small)).map((m) => m.value?.length)).toEqual([5000]);

    // Once a pass finds nothing, a fresh message goes out fast, with no pass (none can run:
    // the poll interval is huge and the fast lane does not wake the loop).
    const passesBefore = outbox.passes.length;
    r.wake();
    await env.eventually(
      () => outbox.passes.slice(passesBefore).some((p) => p.count === 0),
      'an empty pass',
    );
    const stats = r.stats;
    const third = commit(outbox, r, [message(main, 'saga-0', 6)]);
    await pendingIs(outbox, 0, 'the fast lane to publish');
    expect(outbox.marked).toEqual([['saga-0.m6']]);
    expect(r.stats).toEqual({ ...stats, batches: stats.batches + 1, published: 7 });
    await r.stop();
    const after = byKey(await env.readTopic(main));
    expect(firstAppearances(after.get('saga-0') ?? [])).toEqual(
      idsOf([...sent, ...third], 'saga-0'),
    );
    expect(after.get('saga-0')?.at(-1)).toBe('saga-0.m6');
  });

  it('passes leave rows younger than sweepAfterMs alone, and publish them once older', async () => {
    const [topic] = await env.createTopics(['sweep'], 1);
    if (topic === undefined) throw new Error('topic');
    const outbox = recordingOutbox();
    const sweepAfterMs = 1000;
    const r = relay(outbox, publisher(), { pollIntervalMs: 50, sweepAfterMs });
    r.start();
    await env.eventually(
      () => outbox.passes.some((p) => p.createdBefore !== undefined),
      'a pass of old rows only',
    );

    // Written without a hand-over (a process that died after its commit, say).
    const sent = [
      message(topic, 'saga-0', 0),
      message(topic, 'saga-1', 1),
      message(topic, 'saga-0', 2),
    ];
    const from = outbox.passes.length;
    outbox.enqueue(sent);
    const createdAt = Date.parse(outbox.inner.records()[0]?.createdAt ?? '');
    const later = () => outbox.passes.slice(from);
    await env.eventually(
      () => later().some((p) => p.count === 0 && (p.createdBefore?.getTime() ?? 0) <= createdAt),
      'a pass while the rows are young',
    );
    await pendingIs(outbox, 0, 'a pass to publish the rows once old');
    await r.stop();

    // Only passes of old rows ran, and none whose cut-off was not past the rows took them.
    expect(later().filter((p) => p.createdBefore === undefined)).toEqual([]);
    expect(
      later().filter((p) => (p.createdBefore?.getTime() ?? 0) <= createdAt && p.ids.length > 0),
    ).toEqual([]);
    const sweeps = later().filter((p) => (p.count ?? 0) > 0);
    expect(sweeps).toHaveLength(1);
    expect(sweeps[0]?.ids).toEqual(sent.map((m) => m.id));
    expect(sweeps[0]?.createdBefore?.getTime()).toBeGreaterThan(createdAt);
    expect(outbox.marked).toEqual([]);
    expect(r.stats.published).toBe(3);
    expect((await env.readTopic(topic)).map((m) => m.headers['sagaflow-message-id'])).toEqual(
      sent.map((m) => m.id),
    );
  });

  it('before start and after stop only wakes: nothing is published until a pass', async () => {
    const [topic] = await env.createTopics(['stopped'], 1);
    if (topic === undefined) throw new Error('topic');
    const outbox = recordingOutbox();
    const p = publisher();
    const publish = jest.spyOn(p, 'publish');
    const r = relay(outbox, p);

    const before = commit(outbox, r, [message(topic, 'saga-0', 0), message(topic, 'saga-0', 1)]);
    await settle();
    expect(publish).not.toHaveBeenCalled();
    expect(outbox.passes).toEqual([]);
    expect(await outbox.pendingCount()).toBe(2);
    expect(r.stats).toEqual({ passes: 0, batches: 0, published: 0, failures: 0 });

    r.start();
    await pendingIs(outbox, 0, 'the first pass');
    expect(outbox.passes[0]).toEqual({
      createdBefore: undefined,
      ids: before.map((m) => m.id),
      count: 2,
      failed: false,
    });
    await r.stop();
    expect(outbox.marked).toEqual([]);
    expect(r.stats.published).toBe(2);

    const after = commit(outbox, r, [message(topic, 'saga-0', 2)]);
    await settle();
    expect(publish).toHaveBeenCalledTimes(1);
    expect(await outbox.pendingCount()).toBe(1);
    await expect(r.drain()).resolves.toBe(1);
    expect(outbox.marked).toEqual([]);
    expect((await env.readTopic(topic)).map((m) => m.headers['sagaflow-message-id'])).toEqual(
      [...before, ...after].map((m) => m.id),
    );
  });

  // A hand-over that lands right after the sender's last look at what waits must start a
  // new sender, not wait for the next hand-over (or a sweep after sweepAfterMs).
  it('goes on sending while a mark runs, and marks what was sent meanwhile in one statement', async () => {
    const [topic] = await env.createTopics(['marks'], 1);
    if (topic === undefined) throw new Error('topic');
    const outbox = recordingOutbox();
    let release = (): void => undefined;
    outbox.markGate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const r = relay(outbox, publisher());
    r.start();
    await env.eventually(() => r.stats.passes === 1, 'the first (empty) pass');

    commit(outbox, r, [message(topic, 'saga-0', 0)]);
    await env.eventually(() => outbox.marked.length === 1, 'the first mark to start');
    for (let i = 1; i < 3; i += 1) {
      commit(outbox, r, [message(topic, 'saga-0', i)]);
      await env.eventually(() => r.stats.published === i + 1, `send ${i} despite the held mark`);
    }
    expect(outbox.marked).toEqual([['saga-0.m0']]);
    release();
    await pendingIs(outbox, 0, 'every sent message to be marked');
    await r.stop();

    expect(outbox.marked).toEqual([['saga-0.m0'], ['saga-0.m1', 'saga-0.m2']]);
    expect(r.stats).toMatchObject({ batches: 3, published: 3, failures: 0 });
  });

  it('leaves the rows of a failed mark to the passes, which send them again once old enough', async () => {
    const [topic] = await env.createTopics(['mark-fails'], 1);
    if (topic === undefined) throw new Error('topic');
    const outbox = recordingOutbox();
    outbox.markGate = Promise.reject(new Error('connection lost'));
    outbox.markGate.catch(() => undefined);
    const errors: unknown[] = [];
    const r = relay(outbox, publisher(), {
      pollIntervalMs: 50,
      sweepAfterMs: 300,
      observer: { onError: (error) => errors.push(error) },
    });
    r.start();
    await env.eventually(() => r.stats.passes >= 1, 'the first (empty) pass');
    commit(outbox, r, [message(topic, 'saga-0', 0)]);
    await env.eventually(() => errors.length === 1, 'the failed mark');
    outbox.markGate = undefined;
    await pendingIs(outbox, 0, 'a pass to send the row again');
    await r.stop();

    expect(String(errors[0])).toContain('connection lost');
    expect((await env.readTopic(topic)).map((record) => record.key)).toEqual(['saga-0', 'saga-0']);
  });

  it('publishes a message handed over just as a send ends (between its last batch and its end)', async () => {
    const [topic] = await env.createTopics(['gap'], 1);
    if (topic === undefined) throw new Error('topic');
    const outbox = recordingOutbox();
    let handed = false;
    const r = relay(outbox, publisher(), {
      observer: {
        onPublished: () => {
          if (handed) return;
          handed = true;
          // Runs once the send has checked it has nothing left, before it is over: as a
          // commit whose continuation lands in the same microtask turn would.
          queueMicrotask(() => commit(outbox, r, [message(topic, 'saga-0', 1)]));
        },
      },
    });
    r.start();
    await env.eventually(() => r.stats.passes === 1, 'the first (empty) pass');
    commit(outbox, r, [message(topic, 'saga-0', 0)]);
    await pendingIs(outbox, 0, 'both messages to be published');
    await r.stop();
    expect(outbox.marked.flat()).toEqual(['saga-0.m0', 'saga-0.m1']);
  });
});
