import { randomBytes } from 'node:crypto';

import { type DataSource } from 'typeorm';

import { ConcurrencyError, InvalidArgumentError } from '@sagaflow/core';
import { eventStoreContract, RecordingLogger } from '@sagaflow/core/testing';

import {
  endedEvent,
  firstAppend,
  outboxMessage,
  outboxMessages,
  stateOf,
} from './__fixtures__/sample-sagas';
import { createTestDatabase, type TestDatabase } from './__fixtures__/test-database';
import { type AppendCommitted, MySqlEventStore } from './mysql-event-store';
import { MySqlEventProcessStore } from './mysql-event-process-store';

const run = randomBytes(4).toString('hex');
let db: TestDatabase;

/** The same database through connections that take several statements in one query. */
let oneTrip: DataSource;

beforeAll(async () => {
  db = await createTestDatabase('orchestrator');
  oneTrip = await db.open({ migrations: false, multipleStatements: true });
});
afterAll(async () => {
  await db.drop();
});

/** An append's statements one by one, or in one round trip (the orchestrator's way). */
const modes: [string, () => DataSource][] = [
  ['statement by statement', () => db.dataSource],
  ['in one round trip', () => oneTrip],
];

for (const [mode, source] of modes) {
  eventStoreContract(
    `MySqlEventStore, ${mode}`,
    () =>
      Promise.resolve({
        store: new MySqlEventStore(source()),
        eventProcess: new MySqlEventProcessStore(db.dataSource),
        outboxMessages: (key: string) => outboxMessages(db.dataSource, key),
      }),
    { runId: `es-${run}-${mode === modes[0]?.[0] ? 'a' : 'b'}`, testTimeoutMs: 20_000 },
  );
}

describe.each(modes)('MySqlEventStore, %s', (mode, source) => {
  const sagaId = (label: string) => `es-${run}-${mode === modes[0]?.[0] ? 'a' : 'b'}-${label}`;

  it('writes the projection columns the status API filters on', async () => {
    const store = new MySqlEventStore(source());
    const id = sagaId('projection');
    const started = stateOf(id, 1, {
      businessKey: `${id}-key`,
      activeSteps: ['reserve-credit', 'reserve-stock'],
      startedAt: '2030-01-01T10:00:00.123Z',
      updatedAt: '2030-01-01T10:00:00.123Z',
    });
    await store.append(firstAppend(started));
    const [running] = await db.dataSource.query<{ current_step: string }[]>(
      'SELECT current_step FROM saga_instance WHERE saga_id = ?',
      [id],
    );
    expect(running?.current_step).toBe('reserve-credit,reserve-stock');
    const ended = stateOf(id, 2, {
      businessKey: `${id}-key`,
      status: 'COMPENSATED',
      failure: { step: 'reserve-stock', code: 'OUT_OF_STOCK', message: 'none left' },
      startedAt: started.startedAt,
      updatedAt: '2030-01-01T10:00:01.456Z',
      endedAt: '2030-01-01T10:00:01.456Z',
    });
    await store.append({
      sagaId: id,
      expectedVersion: 1,
      events: [{ type: 'SagaCompensated', v: 1, at: ended.updatedAt }],
      state: ended,
      outbox: [],
    });

    const [row] = await db.dataSource.query<Record<string, unknown>[]>(
      `SELECT saga_type, saga_version, business_key, status, current_step, version, failure_code,
              started_at, updated_at, ended_at, data
         FROM saga_instance WHERE saga_id = ?`,
      [id],
    );
    expect(row).toEqual({
      saga_type: 'place-order',
      saga_version: 1,
      business_key: `${id}-key`,
      status: 'COMPENSATED',
      current_step: null,
      version: 2,
      failure_code: 'OUT_OF_STOCK',
      started_at: new Date('2030-01-01T10:00:00.123Z'),
      updated_at: new Date('2030-01-01T10:00:01.456Z'),
      ended_at: new Date('2030-01-01T10:00:01.456Z'),
      data: JSON.stringify(ended.data),
    });
  });

  it('writes the projections of a batch of sagas in one statement, each at its version', async () => {
    const store = new MySqlEventStore(source());
    const ids = ['batch-a', 'batch-b', 'batch-c'].map(sagaId);
    for (const id of ids) {
      await store.append(firstAppend(stateOf(id, 1, { activeSteps: ['reserve-credit'] })));
    }
    const [a, b, c] = ids as [string, string, string];
    const running = stateOf(a, 2, {
      activeSteps: ['reserve-stock'],
      updatedAt: '2030-01-01T10:00:02.000Z',
    });
    const ended = stateOf(b, 2, {
      status: 'COMPENSATED',
      failure: { step: 'reserve-stock', code: 'OUT_OF_STOCK', message: 'none left' },
      updatedAt: '2030-01-01T10:00:03.000Z',
      endedAt: '2030-01-01T10:00:03.000Z',
    });
    const next = (state: typeof running) => ({
      sagaId: state.sagaId,
      expectedVersion: 1,
      events: [endedEvent('COMPENSATED', state.updatedAt)],
      state,
      outbox: [],
    });
    await store.appendBatch([next(running), next(ended)]);

    const rows = await db.dataSource.query<Record<string, unknown>[]>(
      `SELECT saga_id, status, current_step, version, failure_code, updated_at, ended_at
         FROM saga_instance WHERE saga_id IN (?) ORDER BY saga_id`,
      [ids],
    );
    expect(rows).toEqual([
      {
        saga_id: a,
        status: 'RUNNING',
        current_step: 'reserve-stock',
        version: 2,
        failure_code: null,
        updated_at: new Date('2030-01-01T10:00:02.000Z'),
        ended_at: null,
      },
      {
        saga_id: b,
        status: 'COMPENSATED',
        current_step: null,
        version: 2,
        failure_code: 'OUT_OF_STOCK',
        updated_at: new Date('2030-01-01T10:00:03.000Z'),
        ended_at: new Date('2030-01-01T10:00:03.000Z'),
      },
      expect.objectContaining({ saga_id: c, version: 1 }),
    ]);
    await expect(store.loadState(b)).resolves.toEqual(ended);
  });

  it('writes nothing of a batch when one projection is not at its expected version', async () => {
    const store = new MySqlEventStore(source());
    const [a, b] = ['stale-a', 'stale-b'].map(sagaId) as [string, string];
    for (const id of [a, b]) await store.append(firstAppend(stateOf(id, 1)));
    // The projection moved on without its events: only the projection's check can see it.
    await db.dataSource.query('UPDATE saga_instance SET version = 7 WHERE saga_id = ?', [b]);
    const next = (id: string) => ({
      sagaId: id,
      expectedVersion: 1,
      events: [endedEvent('COMPLETED', '2030-01-01T10:00:04.000Z')],
      state: stateOf(id, 2, { status: 'COMPLETED', endedAt: '2030-01-01T10:00:04.000Z' }),
      outbox: [],
    });

    await expect(store.appendBatch([next(a), next(b)])).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await store.readStream(a)).toHaveLength(1);
    expect(await store.readStream(b)).toHaveLength(1);
    await expect(store.loadState(a)).resolves.toMatchObject({ version: 1, status: 'RUNNING' });
  });

  it('six writers at one version on two data sources: exactly one wins', async () => {
    const other = await db.open({ migrations: false, poolSize: 4 });
    const mine = new MySqlEventStore(source());
    const theirs = new MySqlEventStore(other);
    const id = sagaId('race');
    await mine.append(firstAppend(stateOf(id, 1)));

    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, writer) =>
        (writer % 2 === 0 ? mine : theirs).append({
          sagaId: id,
          expectedVersion: 1,
          events: [{ type: 'SagaCompleted', v: 1, at: '2030-01-01T00:00:01.000Z' }],
          state: stateOf(id, 2, { status: 'COMPLETED', data: { writer } }),
          outbox: [outboxMessage(`${id}-w${writer}`, id)],
        }),
      ),
    );

    const winners = results.flatMap((r, writer) => (r.status === 'fulfilled' ? [writer] : []));
    expect(winners).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConcurrencyError);
    }
    expect((await mine.readStream(id)).map((e) => e.seq)).toEqual([1, 2]);
    await expect(mine.loadState(id)).resolves.toMatchObject({ data: { writer: winners[0] } });
    expect((await outboxMessages(db.dataSource, id)).map((m) => m.id)).toEqual([
      `${id}-w${String(winners[0])}`,
    ]);
  });

  it('tells onCommitted listeners after the commit, and a throwing listener fails nothing', async () => {
    const logger = new RecordingLogger();
    const store = new MySqlEventStore(source(), { logger });
    const seen: AppendCommitted[] = [];
    const stop = store.onCommitted((committed) => seen.push(committed));
    store.onCommitted(() => {
      throw new Error('listener bug');
    });
    const id = sagaId('listeners');
    const request = firstAppend(stateOf(id, 1), [outboxMessage(`${id}-m1`, id)]);

    await store.append(request);
    await expect(store.append(request)).rejects.toBeInstanceOf(ConcurrencyError);
    stop();
    await store.append({
      sagaId: id,
      expectedVersion: 1,
      events: [{ type: 'SagaCompleted', v: 1, at: '2030-01-01T00:00:01.000Z' }],
      state: stateOf(id, 2, { status: 'COMPLETED' }),
      outbox: [],
    });

    expect(seen).toEqual([
      { sagaId: id, version: 1, outboxCount: 1, outbox: [outboxMessage(`${id}-m1`, id)] },
    ]);
    expect(logger.lines.map((l) => [l.level, l.fields.sagaId])).toEqual([
      ['error', id],
      ['error', id],
    ]);
    expect((await store.readStream(id)).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('an outbox message id already taken rolls the whole append back', async () => {
    const store = new MySqlEventStore(source());
    const first = sagaId('outbox-owner');
    const second = sagaId('outbox-intruder');
    await store.append(firstAppend(stateOf(first, 1), [outboxMessage(`${first}-m1`, first)]));

    await expect(
      store.append(firstAppend(stateOf(second, 1), [outboxMessage(`${first}-m1`, second)])),
    ).rejects.toMatchObject({ name: 'ConflictError', code: 'OUTBOX_MESSAGE_DUPLICATE' });

    await expect(store.readStream(second)).resolves.toEqual([]);
    await expect(store.loadState(second)).resolves.toBeNull();
  });

  it('rejects malformed requests before touching the database', async () => {
    const store = new MySqlEventStore(source());
    const id = sagaId('malformed');
    await expect(store.append({ ...firstAppend(stateOf(id, 1)), events: [] })).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(store.append(firstAppend(stateOf(id, 3)))).rejects.toThrow(
      'invalid state: {"sagaId":"' +
        id +
        '","version":3} (must be saga \'' +
        id +
        "' at version 1)",
    );
    await expect(
      store.append({ ...firstAppend(stateOf(id, 1)), expectedVersion: -1 }),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(
      store.append(firstAppend(stateOf(id, 1, { businessKey: 'k'.repeat(192) }))),
    ).rejects.toThrow('(must have 1 to 191 characters)');
    await expect(store.append(firstAppend(stateOf('s'.repeat(65), 1)))).rejects.toThrow(
      'invalid sagaId',
    );
    await expect(store.readStream(id)).resolves.toEqual([]);
  });

  it('validates its options', () => {
    expect(() => new MySqlEventStore(source(), { maxDeadlockRetries: -1 })).toThrow(
      'MySqlEventStore: invalid options: maxDeadlockRetries=-1 (expected an integer >= 0)',
    );
  });
});

describe('MySqlEventStore on connections that take several statements', () => {
  /** Every query the store sends through its query runners, in order. */
  const recordQueries = (dataSource: DataSource): string[] => {
    const sent: string[] = [];
    const create = dataSource.createQueryRunner.bind(dataSource);
    jest.spyOn(dataSource, 'createQueryRunner').mockImplementation((...args) => {
      const runner = create(...args);
      const query = runner.query.bind(runner);
      runner.query = ((sql: string, ...rest: unknown[]) => {
        sent.push(sql);
        return (query as (...a: unknown[]) => Promise<unknown>)(sql, ...rest);
      }) as typeof runner.query;
      return runner;
    });
    return sent;
  };

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('sends an append as one query and a commit', async () => {
    const store = new MySqlEventStore(oneTrip);
    const id = `es-${run}-trips`;
    const mark = { consumer: `es-${run}-trips-consumer`, messageId: `${id}-reply` };
    await new MySqlEventProcessStore(db.dataSource).receive([
      { ...mark, sagaId: id, messageType: 'Reply', payload: '{}', step: 'a', direction: 'forward' },
    ]);
    const sent = recordQueries(oneTrip);

    await store.append({
      ...firstAppend(stateOf(id, 1), [outboxMessage(`${id}-m1`, id)]),
      processed: mark,
    });

    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatch(
      /^START TRANSACTION;\nINSERT INTO saga_event .*;\nINSERT INTO saga_instance/s,
    );
    expect(sent[1]).toBe('COMMIT');
    await expect(store.readStream(id)).resolves.toHaveLength(1);
    expect(
      (await new MySqlEventProcessStore(db.dataSource).get(mark.consumer, mark.messageId))?.status,
    ).toBe('DONE');
  });

  it('runs a collision again statement by statement to name it, and commits nothing', async () => {
    const store = new MySqlEventStore(oneTrip);
    const [owner, second] = [`es-${run}-owner`, `es-${run}-second`];
    await store.append(firstAppend(stateOf(owner, 1, { businessKey: `${owner}-key` })));
    const sent = recordQueries(oneTrip);

    await expect(
      store.append(firstAppend(stateOf(second, 1, { businessKey: `${owner}-key` }))),
    ).rejects.toMatchObject({ code: 'BUSINESS_KEY_TAKEN', existingSagaId: owner });

    expect(sent.slice(0, 2)).toEqual([expect.stringMatching(/^START TRANSACTION;/), 'ROLLBACK']);
    expect(sent.length).toBeGreaterThan(2);
    await expect(store.readStream(second)).resolves.toEqual([]);
  });
});
