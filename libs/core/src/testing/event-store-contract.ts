import {
  ConcurrencyError,
  DuplicateBusinessKeyError,
  InvalidArgumentError,
} from '../errors/errors';
import { type SagaEvent } from '../model/saga-event';
import { type AppendRequest, type EventStore } from '../ports/event-store';
import { type EventProcessStore } from '../ports/event-process-store';
import { type OutboxMessage } from '../ports/outbox';
import {
  type ContractFixture,
  type ContractIds,
  type ContractSuiteOptions,
  contractTest,
} from './contract-support';
import {
  awkwardPayload,
  sampleCompleted,
  sampleDispatched,
  sampleMessage,
  sampleStarted,
  sampleState,
  sampleSucceeded,
} from './contract-samples';

/** What {@link eventStoreContract} runs against, created afresh for every test. */
export interface EventStoreContractFixture extends ContractFixture {
  /** The implementation under test. */
  readonly store: EventStore;
  /**
   * The EventProcess table the store's `processed` mark updates. The suite records a message in it
   * (`receive`) before appending with `processed`, then reads its status (`get`).
   */
  readonly eventProcess: EventProcessStore;
  /**
   * Every outbox message with this key that the store wrote, published or not, in
   * insertion order, as `OutboxMessage`s (`id`, `topic`, `key`, `headers`, `value` only).
   * The suite keys all its messages by saga id.
   */
  outboxMessages(key: string): Promise<readonly OutboxMessage[]>;
}

/** Creates the fixture of one test; `teardown` on it is called after the test. */
export type EventStoreContractFactory = () => Promise<EventStoreContractFixture>;

/**
 * Declares the jest tests of the {@link EventStore} contract against the store the
 * factory returns. Every saga id, business key, message id and consumer is unique to the
 * test (and to `options.runId`), so the suite can run against a shared database.
 *
 * @example
 * ```ts
 * eventStoreContract('MySqlEventStore', async () => {
 *   const dataSource = await openTestDataSource();
 *   return {
 *     store: new MySqlEventStore(dataSource),
 *     eventProcess: new MySqlEventProcessStore(dataSource),
 *     outboxMessages: (key) => readOutboxRows(dataSource, key),
 *     teardown: () => dataSource.destroy(),
 *   };
 * }, { runId: `es-${randomSuffix}`, testTimeoutMs: 20_000 });
 * ```
 */
export function eventStoreContract(
  name: string,
  factory: EventStoreContractFactory,
  options: ContractSuiteOptions = {},
): void {
  const test = contractTest('es', factory, options);

  describe(`EventStore contract: ${name}`, () => {
    test('a saga never appended has an empty stream, no state and no business key', async (f, id) => {
      await expect(f.store.readStream(id('saga'))).resolves.toEqual([]);
      await expect(f.store.loadState(id('saga'))).resolves.toBeNull();
      await expect(f.store.findByBusinessKey(id('type'), id('key'))).resolves.toBeNull();
    });

    test('append writes events, state projection, outbox messages and the processed mark', async (f, id) => {
      const s = newSaga(id);
      await receive(f, s.processed, s.sagaId);
      const request = s.first({ processed: s.processed });
      await f.store.append(request);

      const stream = await f.store.readStream(s.sagaId);
      expect(stream.map((e) => [e.sagaId, e.seq])).toEqual([
        [s.sagaId, 1],
        [s.sagaId, 2],
      ]);
      expect(stream.map((e) => e.event)).toEqual(request.events);
      for (const stored of stream) expectIsoTime(stored.recordedAt);
      await expect(f.store.loadState(s.sagaId)).resolves.toEqual(request.state);
      await expect(f.outboxMessages(s.sagaId)).resolves.toEqual(request.outbox);
      await expect(f.store.findByBusinessKey(s.sagaType, s.businessKey)).resolves.toBe(s.sagaId);
      expect((await f.eventProcess.get(s.processed.consumer, s.processed.messageId))?.status).toBe(
        'DONE',
      );
    });

    test('appendBatch writes the decisions of several sagas, chained per saga, with their marks', async (f, id) => {
      const a = newSaga(id, 'a');
      const b = newSaga(id, 'b');
      await f.store.append(a.first());
      await f.store.append(b.first());
      const marks = ['a1', 'a2', 'b1'].map((label) => ({
        consumer: id('batch-consumer'),
        messageId: id(label),
      }));
      const [a1, a2, b1] = marks as [Processed, Processed, Processed];
      await receive(f, a1, a.sagaId);
      await receive(f, a2, a.sagaId);
      await receive(f, b1, b.sagaId);
      const requests = [
        a.next(2, [sampleSucceeded('reserve', 1, id('ra'))], {
          processed: a1,
          outbox: [sampleMessage(id('a-m3'), a.sagaId)],
        }),
        a.next(3, [sampleCompleted], { processed: a2, status: 'COMPLETED' }),
        b.next(2, [sampleSucceeded('reserve', 1, id('rb'))], {
          processed: b1,
          outbox: [sampleMessage(id('b-m3'), b.sagaId), sampleMessage(id('b-m4'), b.sagaId)],
        }),
      ];
      await f.store.appendBatch(requests);

      const streamA = await f.store.readStream(a.sagaId);
      expect(streamA.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      expect(streamA.slice(2).map((e) => e.event)).toEqual([
        ...(requests[0]?.events ?? []),
        ...(requests[1]?.events ?? []),
      ]);
      expect((await f.store.readStream(b.sagaId)).map((e) => e.seq)).toEqual([1, 2, 3]);
      await expect(f.store.loadState(a.sagaId)).resolves.toEqual(requests[1]?.state);
      await expect(f.store.loadState(b.sagaId)).resolves.toEqual(requests[2]?.state);
      expect((await f.outboxMessages(a.sagaId)).map((m) => m.id)).toEqual([
        `${a.sagaId}-m1`,
        `${a.sagaId}-m2`,
        id('a-m3'),
      ]);
      expect((await f.outboxMessages(b.sagaId)).slice(2).map((m) => m.id)).toEqual([
        id('b-m3'),
        id('b-m4'),
      ]);
      for (const mark of marks) {
        await expect(f.eventProcess.get(mark.consumer, mark.messageId)).resolves.toMatchObject({
          status: 'DONE',
        });
      }
    });

    test('appendBatch with one stale request writes nothing and throws ConcurrencyError', async (f, id) => {
      const a = newSaga(id, 'a');
      const b = newSaga(id, 'b');
      await f.store.append(a.first());
      await f.store.append(b.first());
      await f.store.append(b.next(2, [sampleSucceeded('reserve', 1, id('rb0'))]));
      const mark = { consumer: id('batch-consumer'), messageId: id('a1') };
      await receive(f, mark, a.sagaId);

      await expect(
        f.store.appendBatch([
          a.next(2, [sampleSucceeded('reserve', 1, id('ra'))], {
            processed: mark,
            outbox: [sampleMessage(id('a-m3'), a.sagaId)],
          }),
          // b is at version 3 already.
          b.next(2, [sampleSucceeded('reserve', 1, id('rb'))]),
        ]),
      ).rejects.toBeInstanceOf(ConcurrencyError);

      expect(await f.store.readStream(a.sagaId)).toHaveLength(2);
      expect(await f.store.readStream(b.sagaId)).toHaveLength(3);
      expect((await f.outboxMessages(a.sagaId)).map((m) => m.id)).not.toContain(id('a-m3'));
      expect((await f.eventProcess.get(mark.consumer, mark.messageId))?.status).toBe('RECEIVED');
    });

    test('appendBatch refuses an empty batch, a first append and a saga split in two', async (f, id) => {
      const a = newSaga(id, 'a');
      const b = newSaga(id, 'b');
      await f.store.append(a.first());
      await f.store.append(b.first());
      await expect(f.store.appendBatch([])).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(f.store.appendBatch([newSaga(id, 'c').first()])).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
      await expect(
        f.store.appendBatch([
          a.next(2, [sampleSucceeded('reserve', 1, id('r1'))]),
          b.next(2, [sampleSucceeded('reserve', 1, id('r2'))]),
          a.next(3, [sampleCompleted], { status: 'COMPLETED' }),
        ]),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(
        f.store.appendBatch([
          a.next(2, [sampleSucceeded('reserve', 1, id('r1'))]),
          a.next(2, [sampleSucceeded('reserve', 1, id('r2'))]),
        ]),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(await f.store.readStream(a.sagaId)).toHaveLength(2);
    });

    test('a later append continues at expectedVersion + 1 and replaces the state', async (f, id) => {
      const s = newSaga(id);
      const first = s.first();
      await f.store.append(first);
      const second = s.next(2, [sampleSucceeded('reserve', 1, id('reply')), sampleCompleted], {
        status: 'COMPLETED',
        outbox: [sampleMessage(id('m3'), s.sagaId)],
      });
      await f.store.append(second);

      const stream = await f.store.readStream(s.sagaId);
      expect(stream.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      expect(stream.map((e) => e.event)).toEqual([...first.events, ...second.events]);
      await expect(f.store.loadState(s.sagaId)).resolves.toEqual(second.state);
      await expect(f.outboxMessages(s.sagaId)).resolves.toEqual([
        ...first.outbox,
        ...second.outbox,
      ]);
      await expect(f.store.findByBusinessKey(s.sagaType, s.businessKey)).resolves.toBe(s.sagaId);
    });

    test('readStream returns the events exactly as appended, JSON edge cases included', async (f, id) => {
      const s = newSaga(id);
      const events: SagaEvent[] = [
        { ...sampleStarted(s.sagaId, s.sagaType, s.businessKey), input: awkwardPayload },
        ...[1, 2, 3].map((attempt) => sampleDispatched(s.sagaId, 'reserve', attempt)),
      ];
      await f.store.append({
        sagaId: s.sagaId,
        expectedVersion: 0,
        events,
        state: sampleState(s.sagaId, s.sagaType, s.businessKey, events.length),
        outbox: [sampleMessage(id('m1'), s.sagaId, JSON.stringify(awkwardPayload))],
      });

      const stream = await f.store.readStream(s.sagaId);
      expect(stream.map((e) => e.event)).toEqual(events);
      expect(stream.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      const [message] = await f.outboxMessages(s.sagaId);
      expect(message?.value).toBe(JSON.stringify(awkwardPayload));
    });

    test('readStream with a range returns a page: the events after afterSeq, at most limit', async (f, id) => {
      const s = newSaga(id);
      const events: SagaEvent[] = [
        sampleStarted(s.sagaId, s.sagaType, s.businessKey),
        ...[1, 2, 3, 4].map((attempt) => sampleDispatched(s.sagaId, 'reserve', attempt)),
      ];
      await f.store.append({
        sagaId: s.sagaId,
        expectedVersion: 0,
        events,
        state: sampleState(s.sagaId, s.sagaType, s.businessKey, events.length),
        outbox: [],
      });

      const seqs = async (range: { afterSeq?: number; limit?: number }) =>
        (await f.store.readStream(s.sagaId, range)).map((e) => e.seq);
      await expect(seqs({ limit: 2 })).resolves.toEqual([1, 2]);
      await expect(seqs({ afterSeq: 2, limit: 2 })).resolves.toEqual([3, 4]);
      await expect(seqs({ afterSeq: 4, limit: 2 })).resolves.toEqual([5]);
      await expect(seqs({ afterSeq: 5 })).resolves.toEqual([]);
      await expect(seqs({ afterSeq: 3 })).resolves.toEqual([4, 5]);
      expect((await f.store.readStream(s.sagaId, { afterSeq: 1, limit: 1 }))[0]?.event).toEqual(
        events[1],
      );
    });

    test('an append with a stale expectedVersion throws ConcurrencyError and writes nothing', async (f, id) => {
      const s = newSaga(id);
      const first = s.first();
      await f.store.append(first);
      const processed = { consumer: id('consumer'), messageId: id('stale-reply') };
      await receive(f, processed, s.sagaId);

      for (const expectedVersion of [0, 1, 3, 7]) {
        const stale = s.next(expectedVersion, [sampleDispatched(s.sagaId, 'other', 9)], {
          outbox: [sampleMessage(id(`stale-${expectedVersion}`), s.sagaId)],
          processed,
        });
        await expect(f.store.append(stale)).rejects.toBeInstanceOf(ConcurrencyError);
      }

      expect((await f.store.readStream(s.sagaId)).map((e) => e.event)).toEqual(first.events);
      await expect(f.store.loadState(s.sagaId)).resolves.toEqual(first.state);
      await expect(f.outboxMessages(s.sagaId)).resolves.toEqual(first.outbox);
      expect((await f.eventProcess.get(processed.consumer, processed.messageId))?.status).toBe(
        'RECEIVED',
      );
    });

    test('appending at a version > 0 to a saga that does not exist throws ConcurrencyError', async (f, id) => {
      const s = newSaga(id);
      const request = s.next(2, [sampleDispatched(s.sagaId, 'reserve', 2)]);
      await expect(f.store.append(request)).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(f.store.readStream(s.sagaId)).resolves.toEqual([]);
      await expect(f.store.loadState(s.sagaId)).resolves.toBeNull();
    });

    test('two concurrent first appends of one saga: one wins, the other throws ConcurrencyError and wrote nothing', async (f, id) => {
      const s = newSaga(id);
      await expectOneWinner(f, id, s, 0);
    });

    test('two concurrent appends at one expected version: one wins, the other throws ConcurrencyError and wrote nothing', async (f, id) => {
      const s = newSaga(id);
      await f.store.append(s.first());
      await expectOneWinner(f, id, s, 2);
    });

    test('a first append with a business key another saga of the type owns throws DuplicateBusinessKeyError and writes nothing', async (f, id) => {
      const owner = newSaga(id, 'owner');
      await f.store.append(owner.first());
      const intruder = newSaga(id, 'intruder', owner.businessKey);
      await receive(f, intruder.processed, intruder.sagaId);

      const error: unknown = await f.store
        .append(intruder.first({ processed: intruder.processed }))
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(DuplicateBusinessKeyError);
      expect((error as DuplicateBusinessKeyError).existingSagaId).toBe(owner.sagaId);
      await expect(f.store.readStream(intruder.sagaId)).resolves.toEqual([]);
      await expect(f.store.loadState(intruder.sagaId)).resolves.toBeNull();
      await expect(f.outboxMessages(intruder.sagaId)).resolves.toEqual([]);
      const mark = await f.eventProcess.get(
        intruder.processed.consumer,
        intruder.processed.messageId,
      );
      expect(mark?.status).toBe('RECEIVED');
      await expect(f.store.findByBusinessKey(owner.sagaType, owner.businessKey)).resolves.toBe(
        owner.sagaId,
      );
    });

    test('business keys are unique per saga type only, and a null business key never conflicts', async (f, id) => {
      const a = newSaga(id, 'a');
      const otherType = newSaga(id, 'b', a.businessKey, id('other-type'));
      await f.store.append(a.first());
      await f.store.append(otherType.first());
      await expect(f.store.findByBusinessKey(a.sagaType, a.businessKey)).resolves.toBe(a.sagaId);
      await expect(f.store.findByBusinessKey(otherType.sagaType, a.businessKey)).resolves.toBe(
        otherType.sagaId,
      );

      const keyless = [newSaga(id, 'c'), newSaga(id, 'd')];
      for (const s of keyless) {
        const events = [sampleStarted(s.sagaId, s.sagaType, null)];
        await f.store.append({
          sagaId: s.sagaId,
          expectedVersion: 0,
          events,
          state: sampleState(s.sagaId, s.sagaType, null, 1),
          outbox: [],
        });
      }
      for (const s of keyless) {
        await expect(f.store.loadState(s.sagaId)).resolves.toMatchObject({ businessKey: null });
      }
    });

    test('two concurrent first appends of two sagas with one business key: one wins, the other throws DuplicateBusinessKeyError', async (f, id) => {
      const a = newSaga(id, 'a');
      const b = newSaga(id, 'b', a.businessKey);
      const results = await Promise.allSettled([
        f.store.append(a.first()),
        f.store.append(b.first()),
      ]);

      const fulfilled = results.filter((r) => r.status === 'fulfilled');
      const rejected = results.filter((r) => r.status === 'rejected');
      expect(fulfilled).toHaveLength(1);
      expect(rejected).toHaveLength(1);
      expect(rejected[0]?.reason).toBeInstanceOf(DuplicateBusinessKeyError);
      const [winner, loser] = results[0].status === 'fulfilled' ? [a, b] : [b, a];
      await expect(f.store.findByBusinessKey(a.sagaType, a.businessKey)).resolves.toBe(
        winner.sagaId,
      );
      await expect(f.store.readStream(loser.sagaId)).resolves.toEqual([]);
      await expect(f.outboxMessages(loser.sagaId)).resolves.toEqual([]);
    });
  });
}

interface Processed {
  readonly consumer: string;
  readonly messageId: string;
}

type RequestExtras = Partial<Pick<AppendRequest, 'outbox'>> & {
  readonly processed?: Processed;
  readonly status?: 'RUNNING' | 'COMPLETED';
};

/** One saga of a test, with builders of its append requests. */
interface TestSaga {
  readonly sagaId: string;
  readonly sagaType: string;
  readonly businessKey: string;
  readonly processed: Processed;
  /** The saga's first append: SagaStarted + CommandDispatched and two outbox messages. */
  first(extras?: RequestExtras): AppendRequest;
  /** An append at `expectedVersion` with `events`. */
  next(
    expectedVersion: number,
    events: readonly SagaEvent[],
    extras?: RequestExtras,
  ): AppendRequest;
}

function newSaga(
  id: ContractIds,
  label = 'saga',
  businessKey = id(`${label}-key`),
  sagaType = id('type'),
): TestSaga {
  const sagaId = id(label);
  const next = (
    expectedVersion: number,
    events: readonly SagaEvent[],
    extras: RequestExtras = {},
  ): AppendRequest => ({
    sagaId,
    expectedVersion,
    events,
    state: sampleState(
      sagaId,
      sagaType,
      businessKey,
      expectedVersion + events.length,
      extras.status,
    ),
    outbox: extras.outbox ?? [],
    ...(extras.processed === undefined ? {} : { processed: extras.processed }),
  });
  return {
    sagaId,
    sagaType,
    businessKey,
    processed: { consumer: id(`${label}-consumer`), messageId: id(`${label}-input`) },
    next,
    first: (extras = {}) =>
      next(
        0,
        [sampleStarted(sagaId, sagaType, businessKey), sampleDispatched(sagaId, 'reserve', 1)],
        {
          outbox: [sampleMessage(`${sagaId}-m1`, sagaId), sampleMessage(`${sagaId}-m2`, sagaId)],
          ...extras,
        },
      ),
  };
}

async function receive(f: EventStoreContractFixture, processed: Processed, sagaId: string) {
  const { accepted } = await f.eventProcess.receive([
    { ...processed, sagaId, messageType: 'reply', payload: '{}' },
  ]);
  expect(accepted).toHaveLength(1);
}

/** Two writers append at `expectedVersion` at once; exactly one of them may succeed. */
async function expectOneWinner(
  f: EventStoreContractFixture,
  id: ContractIds,
  s: TestSaga,
  expectedVersion: number,
) {
  const before = await f.store.readStream(s.sagaId);
  const writer = (name: string) => {
    const processed = { consumer: id(`${name}-consumer`), messageId: id(`${name}-input`) };
    const dispatched = sampleDispatched(s.sagaId, name, 1);
    const events =
      expectedVersion === 0
        ? [sampleStarted(s.sagaId, s.sagaType, s.businessKey), dispatched]
        : [dispatched];
    const outbox = [sampleMessage(id(`${name}-message`), s.sagaId)];
    return { processed, request: s.next(expectedVersion, events, { outbox, processed }) };
  };
  const w1 = writer('w1');
  const w2 = writer('w2');
  await receive(f, w1.processed, s.sagaId);
  await receive(f, w2.processed, s.sagaId);

  const results = await Promise.allSettled([
    f.store.append(w1.request),
    f.store.append(w2.request),
  ]);

  expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  const rejected = results.find((r) => r.status === 'rejected');
  expect(rejected?.reason).toBeInstanceOf(ConcurrencyError);
  const [winner, loser] = results[0].status === 'fulfilled' ? [w1, w2] : [w2, w1];
  const stream = await f.store.readStream(s.sagaId);
  expect(stream.map((e) => e.event)).toEqual([
    ...before.map((e) => e.event),
    ...winner.request.events,
  ]);
  await expect(f.store.loadState(s.sagaId)).resolves.toEqual(winner.request.state);
  const outboxIds = (await f.outboxMessages(s.sagaId)).map((m) => m.id);
  expect(outboxIds).toContain(winner.request.outbox[0]?.id);
  expect(outboxIds).not.toContain(loser.request.outbox[0]?.id);
  const winnerMark = await f.eventProcess.get(
    winner.processed.consumer,
    winner.processed.messageId,
  );
  expect(winnerMark?.status).toBe('DONE');
  const loserMark = await f.eventProcess.get(loser.processed.consumer, loser.processed.messageId);
  expect(loserMark?.status).toBe('RECEIVED');
}

function expectIsoTime(value: string): void {
  expect(value).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  expect(Number.isNaN(Date.parse(value))).toBe(false);
}
