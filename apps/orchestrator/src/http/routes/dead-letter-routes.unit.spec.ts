import { SagaflowError, type StoredDeadLetter } from '@sagaflow/core';

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

  const replay = (id: string, payload?: object, as: FixtureTokenName = 'ops-ann') =>
    fixture.inject(
      {
        method: 'POST',
        url: `/dead-letters/${id}/replay`,
        ...(payload === undefined ? {} : { payload }),
      },
      as,
    );

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
    });
    expect(fixture.replay.published.map((d) => [d.id, d.offset, d.value])).toEqual([
      ['3', '3', '{not json'],
    ]);
    expect((await fixture.deadLetters.get('3'))?.replayedBy).toBe('ops-ann');
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

  it('answers 503 and leaves the dead letter unmarked when publishing fails (retryable)', async () => {
    fixture.replay.failure = new BrokerUnavailableError('the broker is not reachable');

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
