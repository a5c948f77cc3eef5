import { z } from 'zod';
import { defineSaga } from '../definition/define-saga';
import { DefinitionRegistry } from '../definition/definition-registry';
import {
  ConcurrencyError,
  IllegalSagaActionError,
  InvalidArgumentError,
  InvalidSagaInputError,
  SagaNotFoundError,
  SagaVersionMovedError,
  TimerSchedulingError,
  UnknownSagaTypeError,
} from '../errors/errors';
import { InMemoryCommandEncoder } from '../in-memory/in-memory-command-encoder';
import { InMemoryEventStore } from '../in-memory/in-memory-event-store';
import { InMemorySagaStateCache } from '../in-memory/in-memory-saga-state-cache';
import { InMemoryScheduler } from '../in-memory/in-memory-scheduler';
import { ManualClock } from '../in-memory/manual-clock';
import { SequentialIdGenerator } from '../in-memory/sequential-id-generator';
import { type ReplyInput } from '../model/reply-input';
import { type EventStore } from '../ports/event-store';
import { type SagaStateCache } from '../ports/saga-state-cache';
import { type Scheduler } from '../ports/scheduler';
import { RecordingLogger } from '../testing/recording-logger';
import { SagaEngine } from './saga-engine';
import { type SagaEngineOptions } from './saga-engine-options';
import {
  type CacheErrorObservation,
  type ConflictObservation,
  type DecisionObservation,
} from './saga-observer';

const orderInput = z.object({ orderId: z.string(), amount: z.number() });

function orderSaga(version: number) {
  return defineSaga('order', { version, input: orderInput })
    .step('reserve', (s) =>
      s
        .invoke('payment', 'Reserve', (d) => ({ orderId: d.orderId, amount: d.amount }))
        .compensate('payment', 'Release', (d) => ({ orderId: d.orderId }))
        .onReply(z.object({ reservationId: z.string() }), (r) => ({
          reservationId: r.reservationId,
        }))
        .timeout(1000),
    )
    .pivot('approve', (s) =>
      s.invoke('order', 'Approve', (d) => ({ orderId: d.orderId, reservationId: d.reservationId })),
    )
    .build();
}

const otherSaga = defineSaga('other', { version: 1, input: z.object({}) })
  .pivot('only', (s) => s.invoke('x', 'Do', () => ({})))
  .build();

function setup(overrides: Partial<SagaEngineOptions> = {}) {
  const clock = new ManualClock('2030-01-01T00:00:00Z');
  const store = new InMemoryEventStore({ clock });
  const scheduler = new InMemoryScheduler();
  const cache = new InMemorySagaStateCache();
  const logger = new RecordingLogger();
  const definitions = new DefinitionRegistry()
    .register(orderSaga(1))
    .register(orderSaga(2))
    .register(otherSaga);
  const decisions: DecisionObservation[] = [];
  const conflicts: ConflictObservation[] = [];
  const cacheErrors: CacheErrorObservation[] = [];
  const options: SagaEngineOptions = {
    definitions,
    eventStore: store,
    scheduler,
    commandEncoder: new InMemoryCommandEncoder(),
    clock,
    ids: new SequentialIdGenerator({ prefix: 'saga' }),
    stateCache: cache,
    logger,
    observer: {
      onDecision: (o) => decisions.push(o),
      onConflict: (o) => conflicts.push(o),
      onCacheError: (o) => cacheErrors.push(o),
    },
    ...overrides,
  };
  const engine = new SagaEngine(options);
  return { engine, clock, store, scheduler, cache, logger, decisions, conflicts, cacheErrors };
}

const input = { orderId: 'o-1', amount: 10 };

function reserved(sagaId: string, attempt = 1, replyId = `${sagaId}-reply-${attempt}`): ReplyInput {
  return {
    type: 'reply',
    replyId,
    sagaId,
    step: 'reserve',
    direction: 'forward',
    attempt,
    outcome: 'success',
    payload: { reservationId: 'res-1' },
  };
}

function outboxCommands(store: InMemoryEventStore) {
  const encoder = new InMemoryCommandEncoder();
  return store.outbox.records().map((r) => encoder.decode(r).command);
}

describe('SagaEngine', () => {
  describe('options', () => {
    const base = setup();
    const valid = {
      definitions: new DefinitionRegistry(),
      eventStore: base.store,
      scheduler: base.scheduler,
      commandEncoder: new InMemoryCommandEncoder(),
      clock: base.clock,
      ids: new SequentialIdGenerator(),
    };

    it.each([
      [
        'eventStore',
        { eventStore: {} },
        'invalid eventStore: {} (must implement append(), readStream(), findByBusinessKey(), loadState())',
      ],
      [
        'maxConflictRetries',
        { maxConflictRetries: -1 },
        'invalid maxConflictRetries: -1 (must be an integer between 0 and 100)',
      ],
      ['maxConflictRetries', { maxConflictRetries: 1.5 }, 'invalid maxConflictRetries: 1.5'],
      ['stateCache', { stateCache: { get: 1 } }, 'invalid stateCache'],
      ['logger', { logger: { info: () => undefined } }, 'invalid logger'],
      ['observer', { observer: 'metrics' }, 'invalid observer: "metrics"'],
      [
        'observer.onDecision',
        { observer: { onDecision: 3 } },
        'invalid observer.onDecision: 3 (must be a function)',
      ],
    ])('rejects a bad %s, naming the field and the value', (field, change, message) => {
      const attempt = () => new SagaEngine({ ...valid, ...change } as unknown as SagaEngineOptions);
      expect(attempt).toThrow(InvalidArgumentError);
      expect(attempt).toThrow(message);
      expect(() => attempt()).toThrow(expect.objectContaining({ field }) as Error);
    });

    it('rejects options that are not an object', () => {
      expect(() => new SagaEngine(null as unknown as SagaEngineOptions)).toThrow(
        'invalid options: null',
      );
    });

    it('runs with only the required ports (no cache, no logger, no observer)', async () => {
      const engine = new SagaEngine({
        ...valid,
        definitions: new DefinitionRegistry().register(otherSaga),
      });
      const { state } = await engine.start({ sagaType: 'other', input: {} });
      expect(state.status).toBe('RUNNING');
      await expect(engine.getState(state.sagaId)).resolves.toEqual(state);
    });
  });

  describe('start', () => {
    it('appends the first decision: events, state, the first command in the outbox, its timeout', async () => {
      const { engine, store, scheduler } = setup();

      const result = await engine.start({ sagaType: 'order', input, businessKey: 'order-1' });

      expect(result).toMatchObject({ sagaId: 'saga-1', created: true });
      expect(result.state).toMatchObject({ status: 'RUNNING', sagaVersion: 2, version: 2 });
      expect(store.stream('saga-1').map((e) => e.event.type)).toEqual([
        'SagaStarted',
        'CommandDispatched',
      ]);
      expect(store.state('saga-1')).toEqual(result.state);
      expect(outboxCommands(store)).toEqual([
        expect.objectContaining({
          messageId: 'saga-1.reserve.f.1',
          participant: 'payment',
          command: 'Reserve',
          payload: { orderId: 'o-1', amount: 10 },
        }),
      ]);
      expect(scheduler.pending()).toEqual([
        expect.objectContaining({
          timerId: 'saga-1.reserve.f.1.timeout',
          dueAt: '2030-01-01T00:00:01.000Z',
        }),
      ]);
    });

    it('starts on the version asked for, with the saga id given', async () => {
      const { engine } = setup();
      const { sagaId, state } = await engine.start({
        sagaType: 'order',
        input,
        version: 1,
        sagaId: 'my-saga',
      });
      expect(sagaId).toBe('my-saga');
      expect(state.sagaVersion).toBe(1);
    });

    it('returns the existing saga for a business key already used, never a second saga', async () => {
      const { engine, store } = setup();
      const first = await engine.start({ sagaType: 'order', input, businessKey: 'order-1' });
      const second = await engine.start({
        sagaType: 'order',
        input: { orderId: 'o-2', amount: 99 },
        businessKey: 'order-1',
      });
      expect(second).toEqual({ sagaId: first.sagaId, created: false, state: first.state });
      expect(store.sagaIds()).toEqual([first.sagaId]);
    });

    it('two concurrent starts with one business key create one saga and both return it', async () => {
      const { engine, store } = setup();
      const results = await Promise.all([
        engine.start({ sagaType: 'order', input, businessKey: 'order-1' }),
        engine.start({ sagaType: 'order', input, businessKey: 'order-1' }),
      ]);
      expect(results.map((r) => r.created).sort()).toEqual([false, true]);
      expect(new Set(results.map((r) => r.sagaId)).size).toBe(1);
      expect(store.sagaIds()).toHaveLength(1);
    });

    it('a retried start with the same saga id returns the saga it created', async () => {
      const { engine, store } = setup();
      await engine.start({ sagaType: 'order', input, sagaId: 'fixed' });
      const again = await engine.start({ sagaType: 'order', input, sagaId: 'fixed' });
      expect(again).toMatchObject({ sagaId: 'fixed', created: false });
      expect(store.stream('fixed')).toHaveLength(2);
    });

    it('a start with the id of a saga of another type fails with the ConcurrencyError', async () => {
      const { engine } = setup();
      await engine.start({ sagaType: 'other', input: {}, sagaId: 'fixed' });
      await expect(engine.start({ sagaType: 'order', input, sagaId: 'fixed' })).rejects.toThrow(
        ConcurrencyError,
      );
    });

    it('rejects bad requests before writing anything', async () => {
      const { engine, store } = setup();
      await expect(engine.start({ sagaType: 'nope', input })).rejects.toThrow(UnknownSagaTypeError);
      await expect(engine.start({ sagaType: 'order', input, version: 7 })).rejects.toThrow(
        UnknownSagaTypeError,
      );
      await expect(engine.start({ sagaType: 'order', input: { orderId: 1 } })).rejects.toThrow(
        InvalidSagaInputError,
      );
      await expect(engine.start({ sagaType: '', input })).rejects.toThrow('invalid sagaType');
      await expect(engine.start({ sagaType: 'order', input, businessKey: '' })).rejects.toThrow(
        'invalid businessKey',
      );
      await expect(engine.start({ sagaType: 'order', input, sagaId: 'a b' })).rejects.toThrow(
        'invalid sagaId',
      );
      await expect(engine.start({ sagaType: 'order', input, version: 0 })).rejects.toThrow(
        'invalid version',
      );
      expect(store.sagaIds()).toEqual([]);
    });
  });

  describe('inputs', () => {
    it('a reply advances the saga, marks its EventProcess record DONE and cancels the step timeout', async () => {
      const { engine, store, scheduler } = setup();
      const { sagaId } = await engine.start({ sagaType: 'order', input });
      const reply = reserved(sagaId);
      await store.eventProcess.receive([
        { consumer: 'orch', messageId: reply.replyId, sagaId, messageType: 'reply', payload: '{}' },
      ]);

      const state = await engine.handleReply(reply, {
        processed: { consumer: 'orch', messageId: reply.replyId },
      });

      expect(state.data).toMatchObject({ reservationId: 'res-1' });
      expect(state.steps.approve?.status).toBe('RUNNING');
      expect(store.state(sagaId)).toEqual(state);
      expect((await store.eventProcess.get('orch', reply.replyId))?.status).toBe('DONE');
      expect(outboxCommands(store).map((c) => c.messageId)).toEqual([
        `${sagaId}.reserve.f.1`,
        `${sagaId}.approve.f.1`,
      ]);
      // The reserve timeout is gone; the pivot has the default step timeout (30 s).
      expect(scheduler.pending()).toEqual([
        expect.objectContaining({
          timerId: `${sagaId}.approve.f.1.timeout`,
          dueAt: '2030-01-01T00:00:30.000Z',
        }),
      ]);
    });

    it('a fired timeout leads to compensation; a late reply is recorded and changes nothing', async () => {
      const { engine, clock, scheduler, store } = setup();
      const { sagaId } = await engine.start({ sagaType: 'order', input });
      clock.advance(1000);
      const [timeout] = scheduler.takeDue(clock.now());

      const afterTimeout = await engine.handleTimer(timeout!);
      expect(afterTimeout.status).toBe('COMPENSATING');
      expect(outboxCommands(store).at(-1)).toMatchObject({
        step: 'reserve',
        direction: 'compensation',
        command: 'Release',
      });

      const late = await engine.handleReply(reserved(sagaId));
      expect(late.status).toBe('COMPENSATING');
      expect(store.stream(sagaId).at(-1)?.event).toMatchObject({ type: 'InputIgnored' });
    });

    it('an operator abort compensates; an action the state does not allow is refused', async () => {
      const { engine, store } = setup();
      const { sagaId } = await engine.start({ sagaType: 'order', input });
      await engine.handleReply(reserved(sagaId));
      await expect(
        engine.act(sagaId, { action: 'abort', actor: 'ops', reason: 'customer called' }),
      ).rejects.toThrow(IllegalSagaActionError);

      const second = await engine.start({ sagaType: 'order', input });
      const aborted = await engine.act(second.sagaId, {
        action: 'abort',
        actor: 'ops',
        reason: 'customer called',
      });
      expect(aborted.status).toBe('COMPENSATING');
      expect(store.stream(second.sagaId).map((e) => e.event.type)).toContain(
        'OperatorActionRecorded',
      );
      await expect(
        engine.act(second.sagaId, {
          action: 'retry-compensation',
          actor: 'ops',
          reason: 'x',
          step: 'reserve',
        }),
      ).rejects.toThrow(IllegalSagaActionError);
    });

    it('an action at an expected version applies once: a second one at the same version is refused', async () => {
      const { engine, store } = setup();
      const { sagaId } = await engine.start({ sagaType: 'order', input });
      const seen = (await engine.getState(sagaId))?.version ?? -1;
      const abort = {
        action: 'abort',
        actor: 'ops',
        reason: 'twice',
        expectedVersion: seen,
      } as const;

      await expect(engine.act(sagaId, abort)).resolves.toMatchObject({ status: 'COMPENSATING' });
      const after = store.stream(sagaId).length;
      await expect(engine.act(sagaId, abort)).rejects.toMatchObject({
        code: 'SAGA_VERSION_MOVED',
        expectedVersion: seen,
        currentVersion: after,
      });
      expect(store.stream(sagaId)).toHaveLength(after);
      await expect(engine.act(sagaId, abort)).rejects.toThrow(SagaVersionMovedError);
    });

    it('a reply, timer or action for an unknown saga throws SagaNotFoundError', async () => {
      const { engine } = setup();
      await expect(engine.handleReply(reserved('ghost'))).rejects.toThrow(SagaNotFoundError);
      await expect(
        engine.handleTimer({
          timerId: 'ghost.reserve.f.1.timeout',
          sagaId: 'ghost',
          step: 'reserve',
          direction: 'forward',
          attempt: 1,
          purpose: 'timeout',
          dueAt: '2030-01-01T00:00:01.000Z',
        }),
      ).rejects.toThrow(SagaNotFoundError);
      await expect(
        engine.act('ghost', { action: 'abort', actor: 'a', reason: 'r' }),
      ).rejects.toThrow(SagaNotFoundError);
    });
  });

  describe('recordRedelivery', () => {
    const replayed = {
      kind: 'dead-letter-replay',
      consumer: 'payment',
      messageId: 'saga-1.reserve.f.1',
      deadLetterId: '42',
      actor: 'ops-ann',
      reason: 'the Reserve handler is fixed',
    } as const;

    it('appends MessageRedelivered and changes nothing else: no command, no timer change', async () => {
      const { engine, store, scheduler, cache, decisions } = setup();
      const { sagaId, state } = await engine.start({ sagaType: 'order', input });
      const outbox = store.outbox.records().length;

      const after = await engine.recordRedelivery(sagaId, replayed);

      expect(store.stream(sagaId).at(-1)?.event).toEqual({
        v: 1,
        at: '2030-01-01T00:00:00.000Z',
        type: 'MessageRedelivered',
        ...replayed,
      });
      expect(after).toEqual({ ...state, version: state.version + 1 });
      expect(store.state(sagaId)).toEqual(after);
      await expect(cache.get(sagaId)).resolves.toEqual(after);
      expect(store.outbox.records()).toHaveLength(outbox);
      expect(scheduler.pending().map((t) => t.timerId)).toEqual([`${sagaId}.reserve.f.1.timeout`]);
      expect(decisions.at(-1)).toMatchObject({ input: 'operator', before: state, commands: [] });
    });

    it('is recorded after the saga ended, which stays ended', async () => {
      const { engine, store } = setup();
      const { sagaId } = await engine.start({ sagaType: 'order', input });
      await engine.handleReply(reserved(sagaId));
      const ended = await engine.handleReply({
        type: 'reply',
        replyId: `${sagaId}-approved`,
        sagaId,
        step: 'approve',
        direction: 'forward',
        attempt: 1,
        outcome: 'success',
        payload: {},
      });
      expect(ended.status).toBe('COMPLETED');

      const after = await engine.recordRedelivery(sagaId, {
        kind: 'event-process-retry',
        consumer: 'orchestrator',
        messageId: `${sagaId}-approved`,
        deadLetterId: null,
        actor: 'ops-bob',
        reason: 'every instance runs order v2 now',
      });

      expect(after).toMatchObject({ status: 'COMPLETED', endedAt: ended.endedAt });
      expect(after.version).toBe(ended.version + 1);
      expect(store.stream(sagaId).at(-1)?.event).toMatchObject({
        type: 'MessageRedelivered',
        kind: 'event-process-retry',
        actor: 'ops-bob',
      });
    });

    it('decides again on the stored state after losing the optimistic lock', async () => {
      const base = setup();
      const { sagaId } = await base.engine.start({ sagaType: 'order', input });
      const other = new SagaEngine({
        ...engineOptions(base),
        stateCache: new InMemorySagaStateCache(),
      });
      await other.handleReply(reserved(sagaId));

      const state = await base.engine.recordRedelivery(sagaId, replayed);

      expect(base.conflicts).toMatchObject([{ sagaId, retry: 1, willRetry: true }]);
      expect(state).toMatchObject({ version: 5, activeSteps: ['approve'] });
      expect(
        base.store
          .stream(sagaId)
          .map((e) => e.event.type)
          .slice(-2),
      ).toEqual(['CommandDispatched', 'MessageRedelivered']);
      await expect(base.cache.get(sagaId)).resolves.toEqual(state);
    });

    it('throws SagaNotFoundError for an unknown saga, and refuses a redelivery with a missing field', async () => {
      const { engine, store } = setup();
      await expect(engine.recordRedelivery('ghost', replayed)).rejects.toThrow(SagaNotFoundError);
      const { sagaId } = await engine.start({ sagaType: 'order', input });
      const length = store.stream(sagaId).length;
      await expect(engine.recordRedelivery(sagaId, { ...replayed, reason: ' ' })).rejects.toThrow(
        IllegalSagaActionError,
      );
      await expect(
        engine.recordRedelivery(sagaId, { ...replayed, deadLetterId: null }),
      ).rejects.toThrow('a dead-letter replay needs the dead letter id');
      expect(store.stream(sagaId)).toHaveLength(length);
    });
  });

  describe('state and history', () => {
    it('getState is null for an unknown saga; getHistory is empty', async () => {
      const { engine } = setup();
      await expect(engine.getState('ghost')).resolves.toBeNull();
      await expect(engine.getHistory('ghost')).resolves.toEqual([]);
    });

    it('getState reads through to the store when the cache misses, and fills the cache', async () => {
      const { engine, cache } = setup();
      const { sagaId, state } = await engine.start({ sagaType: 'order', input });
      await cache.delete(sagaId);
      await expect(engine.getState(sagaId)).resolves.toEqual(state);
      await expect(cache.get(sagaId)).resolves.toEqual(state);
    });

    it('replays the stream when the store has no projection', async () => {
      const base = setup();
      const { sagaId, state } = await base.engine.start({ sagaType: 'order', input });
      const withoutProjection: EventStore = {
        ...storeMethods(base.store),
        loadState: () => Promise.resolve(null),
      };
      const { engine } = setup({ eventStore: withoutProjection });

      await expect(engine.getState(sagaId)).resolves.toEqual(state);
      const advanced = await engine.handleReply(reserved(sagaId));
      expect(advanced.version).toBe(state.version + 2);
      expect((await engine.getHistory(sagaId)).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    });
  });

  describe('optimistic lock', () => {
    it('a stale cached state loses the lock; the engine reloads from the store and decides again', async () => {
      const base = setup();
      const { sagaId } = await base.engine.start({ sagaType: 'order', input });
      // Another orchestrator instance, with its own cache, advances the saga first.
      const other = new SagaEngine({
        ...engineOptions(base),
        stateCache: new InMemorySagaStateCache(),
      });
      await other.handleReply(reserved(sagaId));

      const state = await base.engine.handleReply(reserved(sagaId, 1, 'a-duplicate'));

      expect(base.conflicts).toEqual([
        { sagaId, sagaType: 'order', expectedVersion: 2, retry: 1, willRetry: true },
      ]);
      expect(state.version).toBe(5);
      expect(base.store.stream(sagaId).at(-1)?.event).toMatchObject({
        type: 'InputIgnored',
        reason: 'duplicate',
      });
      await expect(base.cache.get(sagaId)).resolves.toEqual(state);
    });

    it('an action at an expected version reads the store, and is refused when a writer appends meanwhile', async () => {
      const base = setup();
      const { sagaId } = await base.engine.start({ sagaType: 'order', input });
      const other = new SagaEngine({
        ...engineOptions(base),
        stateCache: new InMemorySagaStateCache(),
      });
      // Replies to an attempt never sent change nothing but the version (InputIgnored).
      await other.handleReply(reserved(sagaId, 7, 'stray-1'));
      // base's cache still holds the version before: the action must not be refused for it.
      const current = base.store.stream(sagaId).length;
      await expect(base.cache.get(sagaId)).resolves.toMatchObject({ version: current - 1 });
      let raced = false;
      const racing: EventStore = {
        ...storeMethods(base.store),
        append: async (request) => {
          if (!raced && request.events.some((e) => e.type === 'OperatorActionRecorded')) {
            raced = true;
            await other.handleReply(reserved(sagaId, 8, 'stray-2'));
          }
          return base.store.append(request);
        },
      };
      const { engine } = setup({ eventStore: racing, stateCache: base.cache });

      await expect(
        engine.act(sagaId, {
          action: 'abort',
          actor: 'ops',
          reason: 'r',
          expectedVersion: current,
        }),
      ).rejects.toMatchObject({
        code: 'SAGA_VERSION_MOVED',
        expectedVersion: current,
        currentVersion: current + 1,
      });
      expect(base.store.stream(sagaId).map((e) => e.event.type)).not.toContain(
        'OperatorActionRecorded',
      );
    });

    it('rethrows the ConcurrencyError once maxConflictRetries are used up', async () => {
      const base = setup();
      const { sagaId } = await base.engine.start({ sagaType: 'order', input });
      const alwaysConflicting: EventStore = {
        ...storeMethods(base.store),
        append: (r) => Promise.reject(new ConcurrencyError(r.sagaId, r.expectedVersion)),
      };
      const { engine, conflicts } = setup({ eventStore: alwaysConflicting, maxConflictRetries: 2 });

      await expect(engine.handleReply(reserved(sagaId))).rejects.toThrow(ConcurrencyError);

      expect(conflicts.map((c) => [c.retry, c.willRetry])).toEqual([
        [1, true],
        [2, true],
        [3, false],
      ]);
    });

    it('other append errors are rethrown without a retry', async () => {
      const base = setup();
      const { sagaId } = await base.engine.start({ sagaType: 'order', input });
      const failure = new Error('connection lost');
      const broken: EventStore = {
        ...storeMethods(base.store),
        append: () => Promise.reject(failure),
      };
      const { engine, conflicts } = setup({ eventStore: broken });
      await expect(engine.handleReply(reserved(sagaId))).rejects.toBe(failure);
      expect(conflicts).toEqual([]);
    });
  });

  describe('cache failures', () => {
    it('are logged and reported, never thrown: the store decides', async () => {
      const failing: SagaStateCache = {
        get: () => Promise.reject(new Error('redis down')),
        set: () => Promise.reject(new Error('redis down')),
        delete: () => Promise.reject(new Error('redis down')),
      };
      const base = setup();
      const { engine, cacheErrors, logger } = setup({
        stateCache: failing,
        eventStore: base.store,
      });
      const { sagaId } = await engine.start({ sagaType: 'order', input });
      // Make the next append conflict so that the engine also drops the cache entry.
      await new SagaEngine({
        ...engineOptions(base),
        stateCache: new InMemorySagaStateCache(),
      }).handleReply(reserved(sagaId));
      const state = await engine.handleReply(reserved(sagaId, 1, 'again'));

      expect(state).toEqual(base.store.state(sagaId));
      expect(new Set(cacheErrors.map((e) => e.operation))).toEqual(new Set(['get', 'set']));
      expect(cacheErrors.every((e) => e.sagaId === sagaId)).toBe(true);
      expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.fields)).toContainEqual(
        expect.objectContaining({ sagaId, error: { name: 'Error', message: 'redis down' } }),
      );
    });

    it('log what was thrown even when it is not an Error', async () => {
      const notAnError = { reason: 'plain failure' } as unknown as Error;
      const { engine, logger } = setup({
        stateCache: {
          get: () => Promise.reject(new Error('unused')),
          set: () => Promise.reject(notAnError),
          delete: () => Promise.resolve(),
        },
      });
      await engine.start({ sagaType: 'order', input });
      expect(logger.lines).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          fields: expect.objectContaining({ error: { reason: 'plain failure' } }) as object,
        }),
      );
    });

    it('a failing delete after a conflict is reported too', async () => {
      const base = setup();
      const { sagaId, state: stale } = await base.engine.start({ sagaType: 'order', input });
      const staleCache: SagaStateCache = {
        get: () => Promise.resolve(stale),
        set: () => Promise.resolve(),
        delete: () => Promise.reject(new Error('redis down')),
      };
      const { engine, cacheErrors } = setup({ eventStore: base.store, stateCache: staleCache });
      await base.engine.handleReply(reserved(sagaId));

      const state = await engine.handleReply(reserved(sagaId, 1, 'again'));

      expect(state).toEqual(base.store.state(sagaId));
      expect(cacheErrors.map((e) => e.operation)).toEqual(['delete']);
    });
  });

  describe('timers', () => {
    it('a scheduling failure after the commit throws a retryable TimerSchedulingError; rearmTimers recovers', async () => {
      const base = setup();
      const failingScheduler: Scheduler = {
        schedule: () => Promise.reject(new Error('bullmq down')),
        cancel: () => Promise.resolve(),
      };
      const onSchedulingError = jest.fn();
      const engine = new SagaEngine({
        ...engineOptions(base),
        scheduler: failingScheduler,
        observer: { onSchedulingError },
      });

      const error: unknown = await engine
        .start({ sagaType: 'order', input, sagaId: 'unlucky' })
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(TimerSchedulingError);
      expect(error).toMatchObject({ retryable: true, context: { sagaId: 'unlucky' } });
      const committed = base.store.state('unlucky');
      expect(committed?.pendingTimers).toHaveLength(1);
      expect(base.scheduler.pending()).toEqual([]);
      expect(onSchedulingError).toHaveBeenCalledTimes(1);
      expect(base.logger.lines).toContainEqual(
        expect.objectContaining({
          level: 'error',
          fields: expect.objectContaining({ sagaId: 'unlucky' }) as object,
        }),
      );

      await base.engine.rearmTimers(committed!);
      expect(base.scheduler.pending()).toEqual(committed?.pendingTimers);
    });

    it('a cancel failure is a TimerSchedulingError too', async () => {
      const base = setup();
      const { sagaId } = await base.engine.start({ sagaType: 'order', input });
      const engine = new SagaEngine({
        ...engineOptions(base),
        scheduler: {
          schedule: (t) => base.scheduler.schedule(t),
          cancel: () => Promise.reject(new Error('bullmq down')),
        },
      });
      await expect(engine.handleReply(reserved(sagaId))).rejects.toThrow(TimerSchedulingError);
      expect(base.store.state(sagaId)?.steps.approve?.status).toBe('RUNNING');
    });

    it('two scheduler failures are reported together', async () => {
      const base = setup();
      const { sagaId } = await base.engine.start({ sagaType: 'order', input });
      await base.engine.act(sagaId, { action: 'abort', actor: 'ops', reason: 'test' });
      const engine = new SagaEngine({
        ...engineOptions(base),
        scheduler: {
          schedule: () => Promise.reject(new Error('schedule failed')),
          cancel: () => Promise.reject(new Error('cancel failed')),
        },
      });
      base.clock.advance(1000);
      const error: unknown = await engine
        .handleTimer(base.scheduler.takeDue(base.clock.now())[0]!)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimerSchedulingError);
    });

    it('an ignored input re-arms every pending timer', async () => {
      const base = setup();
      const { sagaId } = await base.engine.start({ sagaType: 'order', input });
      await base.scheduler.cancel(base.scheduler.pending().map((t) => t.timerId));
      const stale = { ...reserved(sagaId), attempt: 0 };
      await base.engine.handleReply(stale);
      expect(base.scheduler.pending().map((t) => t.timerId)).toEqual([
        `${sagaId}.reserve.f.1.timeout`,
      ]);
    });

    it('rearmTimers of a saga without pending timers does nothing; a failure is retryable', async () => {
      const base = setup();
      const { sagaId } = await base.engine.start({ sagaType: 'order', input });
      await base.engine.handleReply(reserved(sagaId));
      const state = await base.engine.handleReply({
        ...reserved(sagaId),
        replyId: `${sagaId}-approved`,
        step: 'approve',
      });
      expect(state.status).toBe('COMPLETED');
      await base.engine.rearmTimers(state);
      expect(base.scheduler.pending()).toEqual([]);
      const engine = new SagaEngine({
        ...engineOptions(base),
        scheduler: {
          schedule: () => Promise.reject(new Error('down')),
          cancel: () => Promise.resolve(),
        },
      });
      await expect(engine.rearmTimers(base.store.state('saga-1')!)).resolves.toBeUndefined();
      const started = await base.engine.start({ sagaType: 'order', input });
      await expect(engine.rearmTimers(started.state)).rejects.toThrow(TimerSchedulingError);
    });
  });

  describe('observability', () => {
    it('reports each committed decision with before, after, events, commands and duration', async () => {
      const { engine, decisions } = setup();
      const { sagaId, state } = await engine.start({ sagaType: 'order', input });
      const after = await engine.handleReply(reserved(sagaId));
      expect(decisions).toEqual([
        expect.objectContaining({
          sagaId,
          sagaType: 'order',
          input: 'start',
          before: null,
          after: state,
          durationMs: 0,
        }),
        expect.objectContaining({
          input: 'reply',
          before: state,
          after,
          events: [
            expect.objectContaining({ type: 'StepSucceeded' }),
            expect.objectContaining({ type: 'CommandDispatched' }),
          ],
          commands: [expect.objectContaining({ step: 'approve' })],
        }),
      ]);
    });

    it('logs with sagaId, sagaType, step and messageId fields', async () => {
      const { engine, logger } = setup();
      const { sagaId } = await engine.start({ sagaType: 'order', input, businessKey: 'k' });
      await engine.handleReply(reserved(sagaId));
      expect(logger.lines).toContainEqual({
        level: 'info',
        message: 'saga started',
        fields: { sagaType: 'order', businessKey: 'k', sagaId, sagaVersion: 2 },
      });
      expect(logger.lines).toContainEqual(
        expect.objectContaining({
          message: 'command dispatched',
          fields: expect.objectContaining({
            sagaId,
            sagaType: 'order',
            step: 'approve',
            messageId: `${sagaId}.approve.f.1`,
          }) as object,
        }),
      );
      expect(logger.lines).toContainEqual(
        expect.objectContaining({
          message: 'decision committed',
          fields: expect.objectContaining({
            sagaId,
            step: 'reserve',
            messageId: `${sagaId}-reply-1`,
            input: 'reply',
          }) as object,
        }),
      );
    });

    it('a throwing observer hook is logged and changes nothing', async () => {
      const logger = new RecordingLogger();
      const { engine, store } = setup({
        logger,
        observer: {
          onDecision: () => {
            throw new Error('metrics broke');
          },
        },
      });
      const { sagaId } = await engine.start({ sagaType: 'order', input });
      expect(store.state(sagaId)?.status).toBe('RUNNING');
      expect(logger.lines).toContainEqual(
        expect.objectContaining({
          level: 'error',
          message: 'saga engine observer hook onDecision threw',
        }),
      );
    });

    it('reports a start that found its saga already there', async () => {
      const onDuplicateStart = jest.fn();
      const { engine } = setup({ observer: { onDuplicateStart } });
      const { sagaId } = await engine.start({ sagaType: 'order', input, businessKey: 'k' });
      await engine.start({ sagaType: 'order', input, businessKey: 'k' });
      expect(onDuplicateStart).toHaveBeenCalledWith({ sagaId, sagaType: 'order' });
    });
  });

  describe('handleReplies', () => {
    const CONSUMER = 'orch';

    /** Two steps with a timeout each: the first one's reply sets the second one's timeout. */
    const chainSaga = defineSaga('chain', { version: 1, input: z.object({}) })
      .step('one', (s) =>
        s
          .invoke('x', 'One', () => ({}))
          .readOnly()
          .timeout(1000),
      )
      .pivot('two', (s) => s.invoke('x', 'Two', () => ({})).timeout(1000))
      .build();

    function succeeded(sagaId: string, step: string, replyId = `${sagaId}-${step}-ok`): ReplyInput {
      return {
        type: 'reply',
        replyId,
        sagaId,
        step,
        direction: 'forward',
        attempt: 1,
        outcome: 'success',
        payload: { reservationId: 'res-1' },
      };
    }

    /** The replies as handleReplies takes them, each with its EventProcess record received. */
    async function batchOf(store: InMemoryEventStore, replies: readonly ReplyInput[]) {
      await store.eventProcess.receive(
        replies.map((r) => ({
          consumer: CONSUMER,
          messageId: r.replyId,
          sagaId: r.sagaId,
          messageType: 'reply',
          payload: '{}',
        })),
      );
      return replies.map((reply) => ({
        reply,
        options: { processed: { consumer: CONSUMER, messageId: reply.replyId } },
      }));
    }

    /** Everything the store holds of one saga. */
    function written(store: InMemoryEventStore, sagaId: string) {
      return {
        stream: store.stream(sagaId),
        state: store.state(sagaId),
        commands: outboxCommands(store).filter((c) => c.sagaId === sagaId),
        eventProcess: store.eventProcess.records().filter((r) => r.sagaId === sagaId),
      };
    }

    /** A scheduler that records its calls (timer ids) and passes them to an in-memory one. */
    function recordingScheduler() {
      const timers = new InMemoryScheduler();
      const calls: [op: 'schedule' | 'cancel', timerIds: string[]][] = [];
      const scheduler: Scheduler = {
        schedule: (batch) => {
          calls.push(['schedule', batch.map((t) => t.timerId)]);
          return timers.schedule(batch);
        },
        cancel: (timerIds) => {
          calls.push(['cancel', [...timerIds]]);
          return timers.cancel(timerIds);
        },
      };
      return { scheduler, calls, timers };
    }

    async function twoOrders(base: ReturnType<typeof setup>) {
      await base.engine.start({ sagaType: 'order', input, sagaId: 'a' });
      await base.engine.start({ sagaType: 'order', input, sagaId: 'b' });
    }

    it('ends as handleReply one by one would: in order per saga, each on the state the previous left', async () => {
      const batch = setup();
      const single = setup();
      await twoOrders(batch);
      await twoOrders(single);
      // a: reserved, then approved (completes); b: reserved, then a duplicate (ignored).
      const replies = [
        reserved('a'),
        reserved('b'),
        succeeded('a', 'approve'),
        reserved('b', 1, 'b-again'),
      ];
      const entries = await batchOf(batch.store, replies);
      const singleEntries = await batchOf(single.store, replies);

      await expect(batch.engine.handleReplies(entries)).resolves.toEqual([]);
      for (const { reply, options } of singleEntries) {
        await single.engine.handleReply(reply, options);
      }

      expect(batch.store.state('a')?.status).toBe('COMPLETED');
      expect(batch.store.stream('b').at(-1)?.event).toMatchObject({
        type: 'InputIgnored',
        reason: 'duplicate',
      });
      for (const sagaId of ['a', 'b']) {
        expect(written(batch.store, sagaId)).toEqual(written(single.store, sagaId));
        await expect(batch.cache.get(sagaId)).resolves.toEqual(single.store.state(sagaId));
        // One observation per decision, with the state before and after each.
        expect(batch.decisions.filter((d) => d.sagaId === sagaId)).toEqual(
          single.decisions.filter((d) => d.sagaId === sagaId),
        );
      }
      expect(batch.decisions.filter((d) => d.input === 'reply')).toHaveLength(4);
      expect(batch.scheduler.pending()).toEqual(single.scheduler.pending());
    });

    it('marks the processed EventProcess record of every reply DONE', async () => {
      const { engine, store } = setup();
      await engine.start({ sagaType: 'order', input, sagaId: 'a' });
      const replies = [reserved('a'), succeeded('a', 'approve')];
      const entries = await batchOf(store, replies);

      await engine.handleReplies(entries);

      expect(store.eventProcess.records().map((r) => [r.messageId, r.status, r.attempts])).toEqual([
        ['a-reply-1', 'DONE', 1],
        ['a-approve-ok', 'DONE', 1],
      ]);
    });

    it('returns the index of a reply to an unknown saga and applies the others', async () => {
      const base = setup();
      await twoOrders(base);
      const entries = await batchOf(base.store, [reserved('a'), reserved('ghost'), reserved('b')]);

      await expect(base.engine.handleReplies(entries)).resolves.toEqual([1]);

      expect(base.store.state('a')?.steps.reserve?.status).toBe('SUCCEEDED');
      expect(base.store.state('b')?.steps.reserve?.status).toBe('SUCCEEDED');
      expect(base.store.sagaIds()).toEqual(['a', 'b']);
      expect((await base.store.eventProcess.get(CONSUMER, 'ghost-reply-1'))?.status).toBe(
        'RECEIVED',
      );
      expect((await base.store.eventProcess.get(CONSUMER, 'a-reply-1'))?.status).toBe('DONE');
    });

    it('returns the indexes of a saga whose definition version it lacks and applies the others', async () => {
      const base = setup();
      await base.engine.start({ sagaType: 'order', input, sagaId: 'old', version: 1 });
      await base.engine.start({ sagaType: 'order', input, sagaId: 'new' });
      const { engine } = setup({
        eventStore: base.store,
        definitions: new DefinitionRegistry().register(orderSaga(2)),
      });
      const oldState = base.store.state('old');
      const entries = await batchOf(base.store, [
        reserved('old'),
        reserved('new'),
        reserved('old', 1, 'old-again'),
      ]);

      await expect(engine.handleReplies(entries)).resolves.toEqual([0, 2]);

      expect(base.store.state('old')).toEqual(oldState);
      expect(base.store.state('new')?.steps.reserve?.status).toBe('SUCCEEDED');
    });

    it('appends nothing when no reply can be applied, nor for an empty batch', async () => {
      const base = setup();
      let appendBatches = 0;
      const { engine } = setup({
        eventStore: {
          ...storeMethods(base.store),
          appendBatch: (requests) => {
            appendBatches += 1;
            return base.store.appendBatch(requests);
          },
        },
      });

      await expect(engine.handleReplies([])).resolves.toEqual([]);
      await expect(
        engine.handleReplies(await batchOf(base.store, [reserved('ghost'), reserved('gone')])),
      ).resolves.toEqual([0, 1]);
      expect(appendBatches).toBe(0);
    });

    it.each([
      ['a lost optimistic lock', new ConcurrencyError('a', 2)],
      ['a database error', new Error('connection lost')],
    ])(
      'returns every index and writes nothing when the append fails with %s',
      async (_, failure) => {
        const base = setup();
        await twoOrders(base);
        const { engine, decisions, logger } = setup({
          eventStore: { ...storeMethods(base.store), appendBatch: () => Promise.reject(failure) },
          stateCache: base.cache,
          scheduler: base.scheduler,
        });
        const entries = await batchOf(base.store, [
          reserved('a'),
          reserved('ghost'),
          reserved('b'),
        ]);
        const before = ['a', 'b'].map((sagaId) => written(base.store, sagaId));
        const timers = base.scheduler.pending();

        await expect(engine.handleReplies(entries)).resolves.toEqual([0, 1, 2]);

        expect(['a', 'b'].map((sagaId) => written(base.store, sagaId))).toEqual(before);
        expect(base.store.eventProcess.records().map((r) => r.status)).toEqual([
          'RECEIVED',
          'RECEIVED',
          'RECEIVED',
        ]);
        expect(base.scheduler.pending()).toEqual(timers);
        await expect(base.cache.get('a')).resolves.toEqual(base.store.state('a'));
        expect(decisions).toEqual([]);
        expect(logger.lines).toContainEqual(
          expect.objectContaining({
            message: 'batch append failed; the replies are applied one by one',
            fields: expect.objectContaining({ replies: 3 }) as object,
          }),
        );
      },
    );

    it('returns every index when another writer made one saga stale; one by one they apply', async () => {
      const base = setup();
      await twoOrders(base);
      // Another orchestrator instance, with its own cache, advances saga a first.
      await new SagaEngine({
        ...engineOptions(base),
        stateCache: new InMemorySagaStateCache(),
      }).handleReply(reserved('a'));
      const entries = await batchOf(base.store, [reserved('b'), reserved('a', 1, 'a-again')]);
      const before = ['a', 'b'].map((sagaId) => written(base.store, sagaId));

      await expect(base.engine.handleReplies(entries)).resolves.toEqual([0, 1]);

      expect(['a', 'b'].map((sagaId) => written(base.store, sagaId))).toEqual(before);
      for (const { reply, options } of entries) await base.engine.handleReply(reply, options);
      expect(base.store.state('b')?.steps.reserve?.status).toBe('SUCCEEDED');
      expect(base.store.stream('a').at(-1)?.event).toMatchObject({
        type: 'InputIgnored',
        reason: 'duplicate',
      });
      expect(base.store.eventProcess.records().map((r) => r.status)).toEqual(['DONE', 'DONE']);
    });

    it('a timer set by one reply and cleared by the next in the batch never reaches the scheduler', async () => {
      const timers = recordingScheduler();
      const { engine, store } = setup({
        definitions: new DefinitionRegistry().register(chainSaga),
        scheduler: timers.scheduler,
      });
      await engine.start({ sagaType: 'chain', input: {}, sagaId: 'c' });
      expect(timers.calls).toEqual([['schedule', ['c.one.f.1.timeout']]]);
      timers.calls.length = 0;
      const entries = await batchOf(store, [succeeded('c', 'one'), succeeded('c', 'two')]);

      await expect(engine.handleReplies(entries)).resolves.toEqual([]);

      expect(store.state('c')?.status).toBe('COMPLETED');
      expect(timers.calls).toEqual([['cancel', ['c.one.f.1.timeout']]]);
      expect(timers.timers.pending()).toEqual([]);
    });

    it('cancels a timer an ignored reply re-armed and a later reply of the batch cleared: it may be queued already', async () => {
      const timers = recordingScheduler();
      const { engine, store } = setup({
        definitions: new DefinitionRegistry().register(chainSaga),
        scheduler: timers.scheduler,
      });
      await engine.start({ sagaType: 'chain', input: {}, sagaId: 'c' });
      await engine.handleReply(succeeded('c', 'one'));
      expect(timers.timers.pending().map((t) => t.timerId)).toEqual(['c.two.f.1.timeout']);
      timers.calls.length = 0;
      // The first reply again (a redelivery under another id: ignored, it re-arms), then two.
      const entries = await batchOf(store, [
        succeeded('c', 'one', 'c-one-again'),
        succeeded('c', 'two'),
      ]);

      await expect(engine.handleReplies(entries)).resolves.toEqual([]);

      expect(store.state('c')?.status).toBe('COMPLETED');
      expect(timers.calls).toEqual([['cancel', ['c.two.f.1.timeout']]]);
      expect(timers.timers.pending()).toEqual([]);
    });

    it('sets the timers of the whole batch with one cancel and one schedule call', async () => {
      const timers = recordingScheduler();
      const { engine, store } = setup({
        definitions: new DefinitionRegistry().register(chainSaga),
        scheduler: timers.scheduler,
      });
      await engine.start({ sagaType: 'chain', input: {}, sagaId: 'x' });
      await engine.start({ sagaType: 'chain', input: {}, sagaId: 'y' });
      timers.calls.length = 0;
      const entries = await batchOf(store, [succeeded('x', 'one'), succeeded('y', 'one')]);

      await expect(engine.handleReplies(entries)).resolves.toEqual([]);

      expect(timers.calls).toEqual([
        ['cancel', ['x.one.f.1.timeout', 'y.one.f.1.timeout']],
        ['schedule', ['x.two.f.1.timeout', 'y.two.f.1.timeout']],
      ]);
      expect(timers.timers.pending().map((t) => t.timerId)).toEqual([
        'x.two.f.1.timeout',
        'y.two.f.1.timeout',
      ]);
    });

    it('reports a scheduler failure for each saga of the batch and keeps the decisions', async () => {
      const base = setup({ definitions: new DefinitionRegistry().register(chainSaga) });
      await base.engine.start({ sagaType: 'chain', input: {}, sagaId: 'x' });
      await base.engine.start({ sagaType: 'chain', input: {}, sagaId: 'y' });
      const onSchedulingError = jest.fn();
      const engine = new SagaEngine({
        ...engineOptions(base),
        definitions: new DefinitionRegistry().register(chainSaga),
        scheduler: {
          schedule: () => Promise.reject(new Error('bullmq down')),
          cancel: () => Promise.resolve(),
        },
        observer: { onSchedulingError },
      });
      const entries = await batchOf(base.store, [succeeded('x', 'one'), succeeded('y', 'one')]);

      await expect(engine.handleReplies(entries)).resolves.toEqual([]);

      expect(base.store.state('x')?.steps.two?.status).toBe('RUNNING');
      expect(base.store.state('y')?.steps.two?.status).toBe('RUNNING');
      expect(onSchedulingError.mock.calls.map(([o]: [{ sagaId: string }]) => o.sagaId)).toEqual([
        'x',
        'y',
      ]);
      expect(
        base.logger.lines.filter((l) => l.level === 'error').map((l) => l.fields.sagaId),
      ).toEqual(['x', 'y']);
    });
  });
});

function storeMethods(store: EventStore): EventStore {
  return {
    append: (r) => store.append(r),
    appendBatch: (r) => store.appendBatch(r),
    readStream: (id) => store.readStream(id),
    findByBusinessKey: (t, k) => store.findByBusinessKey(t, k),
    loadState: (id) => store.loadState(id),
  };
}

function engineOptions(base: ReturnType<typeof setup>): SagaEngineOptions {
  return {
    definitions: new DefinitionRegistry()
      .register(orderSaga(1))
      .register(orderSaga(2))
      .register(otherSaga),
    eventStore: base.store,
    scheduler: base.scheduler,
    commandEncoder: new InMemoryCommandEncoder(),
    clock: base.clock,
    ids: new SequentialIdGenerator({ prefix: 'saga', start: 100 }),
    stateCache: base.cache,
    logger: base.logger,
  };
}
