import { type SagaEvent, SagaflowError, type StoredDeadLetter } from '@sagaflow/core';

import {
  createHttpApiFixture,
  type ErrorJson,
  type FixtureTokenName,
  type HttpApiFixture,
} from '../__fixtures__/http-api-fixture';
import { sampleDeadLetter } from '../__fixtures__/in-memory-dead-letters';

interface DeadLetterPage {
  readonly items: readonly StoredDeadLetter[];
  readonly nextBeforeId: string | null;
}

class BrokerUnavailableError extends SagaflowError {
  readonly code = 'BROKER_UNAVAILABLE';
  readonly retryable = true;
}

describe('dead-letter routes', () => {
  let fixture: HttpApiFixture;

  beforeEach(async () => {
    fixture = createHttpApiFixture();
    await fixture.deadLetters.record(sampleDeadLetter({ offset: '1' }));
    await fixture.deadLetters.record(
      sampleDeadLetter({
        offset: '2',
        sourceTopic: 'sagaflow.replies',
        reason: { code: 'UNKNOWN_MESSAGE_TYPE', message: 'no handler for Teleport' },
      }),
    );
    await fixture.deadLetters.record(sampleDeadLetter({ offset: '3', sagaId: 'saga-77' }));
  });

  afterEach(async () => {
    await fixture.app.close();
  });

  const list = async (query: string) => {
    const response = await fixture.inject({ method: 'GET', url: `/dead-letters${query}` });
    expect(response.statusCode).toBe(200);
    return response.json<DeadLetterPage>();
  };

  const REASON = 'the ledger handler is deployed';

  /** A replay with a reason, plus `body`; `null` sends no body at all. */
  const replay = (id: string, body: object | null = {}, as: FixtureTokenName = 'ops-ann') =>
    fixture.inject(
      {
        method: 'POST',
        url: `/dead-letters/${id}/replay`,
        ...(body === null ? {} : { payload: { reason: REASON, ...body } }),
      },
      as,
    );

  /** A transfer saga, and a dead letter of one of its commands; returns both ids. */
  const deadLetterOfSaga = async () => {
    const { sagaId } = await fixture.kit.start('transfer', { from: 'alice', to: 'bob', amount: 5 });
    const { id } = await fixture.deadLetters.record(
      sampleDeadLetter({ offset: '4', sagaId, messageId: `${sagaId}.debit.f.1` }),
    );
    return { sagaId, id };
  };

  it('lists newest first and pages with beforeId', async () => {
    const first = await list('?limit=2');
    expect(first.items.map((d) => d.id)).toEqual(['3', '2']);
    expect(first.nextBeforeId).toBe('2');

    const second = await list('?limit=2&beforeId=2');
    expect(second.items.map((d) => d.id)).toEqual(['1']);
    expect(second.nextBeforeId).toBeNull();
  });

  it('filters by reason code, topic, replayed and saga', async () => {
    expect((await list('?sagaId=saga-77')).items.map((d) => d.id)).toEqual(['3']);
    expect((await list('?sagaId=saga-78')).items).toEqual([]);
    expect((await list('?reasonCode=UNKNOWN_MESSAGE_TYPE')).items.map((d) => d.id)).toEqual(['2']);
    expect((await list('?topic=sagaflow.ledger.commands')).items.map((d) => d.id)).toEqual([
      '3',
      '1',
    ]);
    await replay('1');
    expect((await list('?replayed=true')).items.map((d) => d.id)).toEqual(['1']);
    expect((await list('?replayed=false')).items.map((d) => d.id)).toEqual(['3', '2']);
  });

  it('GET /dead-letters/:id returns one, or 404', async () => {
    const found = await fixture.inject({ method: 'GET', url: '/dead-letters/2' });
    expect(found.statusCode).toBe(200);
    expect(found.json<StoredDeadLetter>()).toMatchObject({
      id: '2',
      sourceTopic: 'sagaflow.replies',
      reason: { code: 'UNKNOWN_MESSAGE_TYPE' },
      replayedAt: null,
    });

    const missing = await fixture.inject({ method: 'GET', url: '/dead-letters/99' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json<ErrorJson>().error.code).toBe('DEAD_LETTER_NOT_FOUND');
  });

  it('replay re-publishes the record and marks it replayed by whom (the token) and when', async () => {
    fixture.kit.clock.advance(90_000);

    const response = await replay('3');
    expect(response.statusCode).toBe(200);
    expect(response.json<StoredDeadLetter>()).toMatchObject({
      id: '3',
      replayedAt: '2030-01-01T00:01:30.000Z',
      replayedBy: 'ops-ann',
      replayReason: REASON,
    });
    expect(fixture.replay.published.map((d) => [d.id, d.offset, d.value])).toEqual([
      ['3', '3', '{not json'],
    ]);
    expect((await fixture.deadLetters.get('3'))?.replayedBy).toBe('ops-ann');
  });

  it('records the replay in the history of its saga: the token name, the reason, what was redelivered', async () => {
    const { sagaId, id } = await deadLetterOfSaga();
    const before = fixture.kit.history(sagaId).length;

    const response = await replay(id, { reason: '  ledger fixed, ticket 7  ' }, 'ops-bob');

    expect(response.statusCode).toBe(200);
    expect(response.json<StoredDeadLetter>()).toMatchObject({
      replayedBy: 'ops-bob',
      replayReason: 'ledger fixed, ticket 7',
    });
    const history = fixture.kit.history(sagaId);
    expect(history).toHaveLength(before + 1);
    expect(history.at(-1)).toEqual<SagaEvent>({
      v: 1,
      at: '2030-01-01T00:00:00.000Z',
      type: 'MessageRedelivered',
      kind: 'dead-letter-replay',
      consumer: 'ledger',
      messageId: `${sagaId}.debit.f.1`,
      deadLetterId: id,
      actor: 'ops-bob',
      reason: 'ledger fixed, ticket 7',
    });
    expect(fixture.kit.state(sagaId).version).toBe(before + 1);
  });

  it('records a replay after the saga ended, which stays ended', async () => {
    const { sagaId, id } = await deadLetterOfSaga();
    await fixture.kit.runUntilIdle();
    expect(fixture.kit.state(sagaId).status).toBe('COMPLETED');

    expect((await replay(id)).statusCode).toBe(200);

    expect(fixture.kit.state(sagaId).status).toBe('COMPLETED');
    expect(fixture.kit.history(sagaId).at(-1)).toMatchObject({
      type: 'MessageRedelivered',
      actor: 'ops-ann',
      reason: REASON,
    });
  });

  it('replays a dead letter of no saga, or of a saga that does not exist, and records it in no history', async () => {
    const unknownSaga = await replay('3');
    const noSaga = await replay('1');

    expect([unknownSaga.statusCode, noSaga.statusCode]).toEqual([200, 200]);
    expect(fixture.replay.published.map((d) => d.id)).toEqual(['3', '1']);
    await expect(fixture.kit.engine.getHistory('saga-77')).resolves.toEqual([]);
    expect(fixture.logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'info',
        message: 'redelivery not recorded in a saga history: the saga does not exist',
        fields: expect.objectContaining({ sagaId: 'saga-77', deadLetterId: '3' }) as unknown,
      }),
    );
  });

  it('answers 200 when the replay happened but its record in the saga history failed, and logs it', async () => {
    await fixture.app.close();
    const unused = () => Promise.reject(new Error('not used by a replay'));
    fixture = createHttpApiFixture({
      deps: {
        engine: {
          start: unused,
          act: unused,
          getState: unused,
          getHistory: unused,
          recordRedelivery: () => Promise.reject(new Error('event store unreachable')),
        },
      },
    });
    const { id } = await fixture.deadLetters.record(sampleDeadLetter({ sagaId: 'saga-5' }));

    const response = await replay(id);

    expect(response.statusCode).toBe(200);
    expect(fixture.replay.published).toHaveLength(1);
    expect((await fixture.deadLetters.get(id))?.replayedBy).toBe('ops-ann');
    expect(fixture.logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'redelivery not recorded in the saga history',
        fields: expect.objectContaining({
          sagaId: 'saga-5',
          actor: 'ops-ann',
          error: expect.objectContaining({ message: 'event store unreachable' }) as unknown,
        }) as unknown,
      }),
    );
  });

  it('refuses a second replay with 409 unless forced', async () => {
    await replay('3');

    const again = await replay('3', {}, 'ops-bob');
    expect(again.statusCode).toBe(409);
    expect(again.json<ErrorJson>().error.code).toBe('DEAD_LETTER_ALREADY_REPLAYED');
    expect(fixture.replay.published).toHaveLength(1);

    const forced = await replay('3', { force: true }, 'ops-bob');
    expect(forced.statusCode).toBe(200);
    expect(forced.json<StoredDeadLetter>().replayedBy).toBe('ops-bob');
    expect(fixture.replay.published).toHaveLength(2);
  });

  it('answers 503 and leaves the dead letter unmarked and unrecorded when publishing fails (retryable)', async () => {
    const { sagaId, id } = await deadLetterOfSaga();
    const before = fixture.kit.history(sagaId).length;
    fixture.replay.failure = new BrokerUnavailableError('the broker is not reachable');
    expect((await replay(id)).statusCode).toBe(503);
    expect(fixture.kit.history(sagaId)).toHaveLength(before);

    const response = await replay('3');
    expect(response.statusCode).toBe(503);
    expect(response.json<ErrorJson>().error).toEqual({
      code: 'BROKER_UNAVAILABLE',
      message: 'the broker is not reachable',
    });
    expect((await fixture.deadLetters.get('3'))?.replayedAt).toBeNull();

    fixture.replay.failure = null;
    expect((await replay('3')).statusCode).toBe(200);
    expect(fixture.replay.published).toHaveLength(1);
    expect((await fixture.deadLetters.get(id))?.replayedAt).toBeNull();
  });

  it('answers 400 without a reason, with a blank one or one over 2000 characters, and replays nothing', async () => {
    for (const body of [null, {}, { reason: '   ' }, { reason: 'x'.repeat(2001) }]) {
      const response = await fixture.inject({
        method: 'POST',
        url: '/dead-letters/3/replay',
        ...(body === null ? {} : { payload: body }),
      });
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorJson>().error.code).toBe('REQUEST_INVALID');
    }
    const missing = await fixture.inject({
      method: 'POST',
      url: '/dead-letters/3/replay',
      payload: { force: true },
    });
    expect(missing.json<ErrorJson>().error.details?.issues).toEqual([
      expect.stringMatching(/^body\.reason: /),
    ]);
    expect(fixture.replay.published).toEqual([]);
    expect((await fixture.deadLetters.get('3'))?.replayedAt).toBeNull();
  });

  it('answers 400 for an actor in the body, a bad id or a bad filter, and 404 for an unknown id', async () => {
    expect((await replay('3', { actor: 'ops-ann' })).statusCode).toBe(400);
    expect((await replay('3', { force: 'yes' })).statusCode).toBe(400);
    expect((await replay('99', {})).statusCode).toBe(404);
    const badId = await fixture.inject({ method: 'GET', url: '/dead-letters/a%2Fb' });
    expect(badId.statusCode).toBe(400);
    const badFilter = await fixture.inject({
      method: 'GET',
      url: '/dead-letters?replayed=maybe',
    });
    expect(badFilter.statusCode).toBe(400);
  });
});
