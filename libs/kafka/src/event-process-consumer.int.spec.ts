import { type Clock, type EventProcessMessage } from '@sagaflow/core';
import { InMemoryDeadLetterStore, InMemoryEventProcessStore } from '@sagaflow/core/testing';
import { decodeDeadLetter, encodeEnvelope } from '@sagaflow/messaging';
import { type Message, Partitioners, type Producer } from 'kafkajs';

import { command, envelopeRecord, reply } from './__fixtures__/envelopes';
import {
  createKafkaTestEnv,
  type KafkaTestEnv,
  TEST_CONSUMER_TIMINGS,
} from './__fixtures__/kafka-test-env';
import { acceptOnly } from './accept-decision';
import { type ConsumedMessage, type EventProcessSink } from './consumed-message';
import { EventProcessConsumer } from './event-process-consumer';
import { replayDeadLetter } from './replay-dead-letter';
import { TransactionalPublisher } from './transactional-publisher';

const clock: Clock = { now: () => new Date() };

describe('EventProcessConsumer over a real broker', () => {
  let env: KafkaTestEnv;
  let producer: Producer;
  let publisher: TransactionalPublisher;
  const consumers: EventProcessConsumer[] = [];

  const produce = async (topic: string, messages: Message[]): Promise<void> => {
    await producer.send({ topic, messages });
  };

  const valid = (topic: string, id: string, saga = 'saga-1'): Message => {
    const { key, value, headers } = envelopeRecord(topic, command(id, saga));
    return { key, value, headers: { ...headers } };
  };

  /** An EventProcess table-backed sink, as the runtime wires it: durable once `receive` resolved. */
  const eventProcessSink = (
    eventProcess: InMemoryEventProcessStore,
    delivered: ConsumedMessage[][],
    duplicates: EventProcessMessage[] = [],
  ): EventProcessSink => {
    return async (messages) => {
      const result = await eventProcess.receive(messages);
      duplicates.push(...result.duplicates);
      delivered.push([...messages]);
    };
  };

  const consumer = (
    options: Partial<ConstructorParameters<typeof EventProcessConsumer>[0]> &
      Pick<ConstructorParameters<typeof EventProcessConsumer>[0], 'topics' | 'sink' | 'groupId'>,
    deadLetters = { store: new InMemoryDeadLetterStore(), topic: 'unused' },
  ): EventProcessConsumer => {
    const c = new EventProcessConsumer({
      kafka: env.kafka,
      consumerName: 'payment-service',
      deadLetters: { ...deadLetters, publisher },
      logger: env.logger,
      clock,
      failureBackoff: { initialDelayMs: 50, maxDelayMs: 200 },
      ...TEST_CONSUMER_TIMINGS,
      ...options,
    });
    consumers.push(c);
    return c;
  };

  beforeAll(async () => {
    env = await createKafkaTestEnv('consumer');
    producer = env.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    publisher = new TransactionalPublisher({
      kafka: env.kafka,
      transactionalId: `sagaflow-test-consumer-${env.suffix}`,
      logger: env.logger,
    });
  });

  afterAll(async () => {
    await Promise.allSettled(consumers.map((c) => c.stop()));
    await Promise.allSettled([producer.disconnect(), publisher.disconnect()]);
    await env.cleanup();
  });

  it('hands valid messages to the sink, dead-letters the rest with their reason and moves on; a dead letter can be replayed', async () => {
    const [topic, deadLetterTopic] = await env.createTopics(['commands', 'dead-letters'], 1);
    if (topic === undefined || deadLetterTopic === undefined) throw new Error('topics');
    await produce(topic, [
      valid(topic, 'c1'),
      { key: 'saga-2', value: 'not json {', headers: { 'sagaflow-message-id': 'bad-1' } },
      { key: 'saga-3', value: JSON.stringify({ schemaVersion: 1, messageId: 'half-1' }) },
      { ...envelopeRecord(topic, reply('r1', 'saga-4')), headers: {} },
      { key: 'saga-5', value: encodeEnvelope(command('tp-1', 'saga-5', 'Teleport')) },
      { key: 'saga-6', value: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) },
      { key: 'saga-7', value: null },
      valid(topic, 'c2'),
      valid(topic, 'c3', 'saga-3'),
    ]);
    const store = new InMemoryDeadLetterStore();
    /** The dead-letter table, oldest first. */
    const entries = async () => [...(await store.list({ limit: 1000 }))].reverse();
    const eventProcess = new InMemoryEventProcessStore({ clock });
    const delivered: ConsumedMessage[][] = [];
    const groupId = env.group('dead-letters');
    const c = consumer(
      {
        groupId,
        topics: [topic],
        accept: acceptOnly({ kinds: ['command', 'compensation'], messageTypes: ['ReserveCredit'] }),
        sink: eventProcessSink(eventProcess, delivered),
      },
      { store, topic: deadLetterTopic },
    );
    await c.start();
    await env.eventually(
      async () => (await env.committedOffsets(groupId, topic))[0] === '9',
      'the batch to be committed',
    );

    const received = delivered.flat();
    expect(received.map((m) => [m.messageId, m.sagaId, m.offset])).toEqual([
      ['c1', 'saga-1', '0'],
      ['c2', 'saga-1', '7'],
      ['c3', 'saga-3', '8'],
    ]);
    expect(received[0]).toMatchObject({
      consumer: 'payment-service',
      messageType: 'ReserveCredit',
      step: 'reserve-credit',
      direction: 'forward',
      topic,
      partition: 0,
      envelope: command('c1', 'saga-1'),
    });
    expect(eventProcess.records().map((r) => r.messageId)).toEqual(['c1', 'c2', 'c3']);

    const expectedReasons = [
      ['1', 'MESSAGE_UNDECODABLE', 'bad-1', null],
      ['2', 'MESSAGE_INVALID', 'half-1', null],
      ['3', 'WRONG_KIND', 'r1', 'saga-4'],
      ['4', 'UNKNOWN_MESSAGE_TYPE', 'tp-1', 'saga-5'],
      ['5', 'MESSAGE_UNDECODABLE', null, null],
      ['6', 'MESSAGE_UNDECODABLE', null, null],
    ];
    const recorded = await entries();
    expect(recorded.map((e) => [e.offset, e.reason.code, e.messageId, e.sagaId])).toEqual(
      expectedReasons,
    );
    expect(recorded.every((e) => e.consumer === 'payment-service')).toBe(true);
    expect(recorded[0]).toMatchObject({
      sourceTopic: topic,
      partition: 0,
      key: 'saga-2',
      value: 'not json {',
      valueTruncated: false,
      headers: { 'sagaflow-message-id': 'bad-1' },
    });
    expect(recorded[5]?.value).toBeNull();

    const onTopic = (await env.readTopic(deadLetterTopic)).map((r) => {
      const decoded = decodeDeadLetter(r.value ?? '');
      if (!decoded.ok) throw decoded.error;
      return [
        decoded.record.offset,
        decoded.record.reason.code,
        decoded.record.messageId,
        decoded.record.sagaId,
      ];
    });
    expect(onTopic).toEqual(expectedReasons);
    expect(c.stats).toMatchObject({ received: 9, delivered: 3, deadLettered: 6, failures: 0 });

    // Replay the unknown-type command: the same record comes back at a new offset (and is
    // dead-lettered again, since this consumer still has no handler for it).
    const unknownType = recorded[3];
    if (unknownType === undefined) throw new Error('entry');
    await replayDeadLetter(unknownType, publisher);
    await env.eventually(async () => (await entries()).length === 7, 'the replayed record');
    expect((await entries())[6]).toMatchObject({
      offset: '9',
      key: unknownType.key,
      value: unknownType.value,
      headers: unknownType.headers,
      reason: unknownType.reason,
    });
    await expect(
      replayDeadLetter({ ...unknownType, valueTruncated: true }, publisher),
    ).rejects.toMatchObject({ name: 'ConflictError', code: 'DEAD_LETTER_NOT_REPLAYABLE' });
    await c.stop();
  });

  it('commits nothing while the sink fails, and the batch is delivered again', async () => {
    const [topic] = await env.createTopics(['sink-failure'], 1);
    if (topic === undefined) throw new Error('topic');
    await produce(topic, [valid(topic, 'f1'), valid(topic, 'f2'), valid(topic, 'f3')]);
    const eventProcess = new InMemoryEventProcessStore({ clock });
    const attempts: string[][] = [];
    let failing = true;
    const groupId = env.group('sink-failure');
    const c = consumer({
      groupId,
      topics: [topic],
      sink: async (messages) => {
        attempts.push(messages.map((m) => m.messageId));
        if (failing) throw new Error('database unavailable');
        await eventProcess.receive(messages);
      },
    });
    await c.start();
    await env.eventually(() => c.stats.failures >= 2, 'two failed deliveries');
    expect(await env.committedOffsets(groupId, topic)).toEqual({ 0: '-1' });

    failing = false;
    await env.eventually(
      async () => (await env.committedOffsets(groupId, topic))[0] === '3',
      'the commit after the sink recovered',
    );
    await c.stop();
    // Every attempt carried the same batch: redelivered, not skipped.
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(new Set(attempts.map((a) => a.join()))).toEqual(new Set(['f1,f2,f3']));
    expect(eventProcess.records().map((r) => r.messageId)).toEqual(['f1', 'f2', 'f3']);
    expect(c.stats).toMatchObject({ delivered: 3, batches: 1 });
  });

  it('a graceful stop commits the batch in flight; a restarted group resumes after its last commit, and the sink drops what it already holds', async () => {
    const [topic] = await env.createTopics(['restart'], 1);
    if (topic === undefined) throw new Error('topic');
    const groupId = env.group('restart');
    const eventProcess = new InMemoryEventProcessStore({ clock });
    await produce(
      topic,
      Array.from({ length: 5 }, (_, i) => valid(topic, `a${i}`)),
    );

    // 1. Stop while the sink is still working on the batch: stop waits, then commits it.
    let entered = (): void => undefined;
    const sinkEntered = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let release = (): void => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first: ConsumedMessage[][] = [];
    const a = consumer({
      groupId,
      topics: [topic],
      sink: async (messages) => {
        entered();
        await released;
        await eventProcessSink(eventProcess, first)(messages);
      },
    });
    await a.start();
    await sinkEntered;
    const stopping = a.stop();
    // Let stop() reach kafkajs (it marks the consumer as stopping at once) before the sink
    // finishes; the commit must still happen.
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await stopping;
    expect(await env.committedOffsets(groupId, topic)).toEqual({ 0: '5' });
    expect(first.flat().map((m) => m.messageId)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);

    // 2. A member that made the next batch durable and then failed before committing
    // (stopped during its back-off): nothing committed.
    await produce(topic, [valid(topic, 'b0'), valid(topic, 'b1'), valid(topic, 'b2')]);
    const second: ConsumedMessage[][] = [];
    const b = consumer({
      groupId,
      topics: [topic],
      failureBackoff: { initialDelayMs: 60_000, maxDelayMs: 60_000 },
      sink: async (messages) => {
        await eventProcessSink(eventProcess, second)(messages);
        throw new Error('crashed after the insert');
      },
    });
    await b.start();
    await env.eventually(() => b.stats.failures === 1, 'the failed batch');
    await b.stop();
    expect(await env.committedOffsets(groupId, topic)).toEqual({ 0: '5' });

    // 3. The next member resumes at offset 5: nothing before it again, nothing lost; the
    // EventProcess table reports b0..b2 as duplicates.
    const third: ConsumedMessage[][] = [];
    const duplicates: EventProcessMessage[] = [];
    const states: string[] = [];
    const c = consumer({
      groupId,
      topics: [topic],
      sink: eventProcessSink(eventProcess, third, duplicates),
      observer: { onStateChange: ({ state }) => states.push(state) },
    });
    expect(c.state).toBe('stopped');
    const starting = c.start();
    expect(c.state).toBe('joining');
    await starting;
    expect(c.state).toBe('running');
    await env.eventually(
      async () => (await env.committedOffsets(groupId, topic))[0] === '8',
      'the resumed group to commit',
    );
    await c.stop();
    expect(c.state).toBe('stopped');
    expect(states).toEqual(['joining', 'running', 'stopped']);
    expect(third.flat().map((m) => [m.messageId, m.offset])).toEqual([
      ['b0', '5'],
      ['b1', '6'],
      ['b2', '7'],
    ]);
    expect(duplicates.map((m) => m.messageId)).toEqual(['b0', 'b1', 'b2']);
    expect(eventProcess.records()).toHaveLength(8);
  });

  it('a stop during the join lets the join finish, then leaves the group', async () => {
    const [topic] = await env.createTopics(['stop-joining'], 1);
    if (topic === undefined) throw new Error('topic');
    const groupId = env.group('stop-joining');
    const c = consumer({ groupId, topics: [topic], sink: () => Promise.resolve() });

    const starting = c.start();
    expect(c.state).toBe('joining');
    await Promise.all([starting, c.stop()]);

    expect(c.state).toBe('stopped');
    expect(c.running).toBe(false);
    const described = await env.admin.describeGroups([groupId]);
    expect(described.groups[0]?.members).toEqual([]);
  });
});
