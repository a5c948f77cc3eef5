import { type EventProcessRecord, type SagaEvent } from '@sagaflow/core';

import {
  createHttpApiFixture,
  type ErrorJson,
  type HttpApiFixture,
} from '../__fixtures__/http-api-fixture';

describe('GET /event-process/failed', () => {
  let fixture: HttpApiFixture;

  beforeEach(async () => {
    fixture = createHttpApiFixture();
    const message = (consumer: string, messageId: string) => ({
      consumer,
      messageId,
      sagaId: 'saga-1',
      messageType: 'reply',
      payload: '{"kind":"reply"}',
    });
    await fixture.eventProcess.receive([
      message('orchestrator', 'r-1'),
      message('orchestrator', 'r-2'),
      message('ledger', 'c-1'),
    ]);
    await fixture.eventProcess.fail('orchestrator', 'r-1', 'reply schema mismatch');
    await fixture.eventProcess.fail('ledger', 'c-1', 'handler crashed');
  });

  afterEach(async () => {
    await fixture.app.close();
  });

  const failed = async (query: string) => {
    const response = await fixture.inject({ method: 'GET', url: `/event-process/failed${query}` });
    expect(response.statusCode).toBe(200);
    return response.json<{ items: EventProcessRecord[] }>().items;
  };

  it('pages with the cursor', async () => {
    const response = await fixture.inject({ method: 'GET', url: '/event-process/failed?limit=1' });
    const first = response.json<{ items: EventProcessRecord[]; nextCursor: string | null }>();
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const second = await fixture.inject({
      method: 'GET',
      url: `/event-process/failed?limit=1&cursor=${first.nextCursor ?? ''}`,
    });
    const page = second.json<{ items: EventProcessRecord[]; nextCursor: string | null }>();
    expect(page.nextCursor).toBeNull();
    expect([...first.items, ...page.items].map((r) => r.messageId).sort()).toEqual(['c-1', 'r-1']);
  });

  it('lists the FAILED EventProcess records with their last error', async () => {
    const items = await failed('');
    expect(items.map((r) => [r.consumer, r.messageId, r.status, r.lastError])).toEqual(
      expect.arrayContaining([
        ['orchestrator', 'r-1', 'FAILED', 'reply schema mismatch'],
        ['ledger', 'c-1', 'FAILED', 'handler crashed'],
      ]),
    );
    expect(items).toHaveLength(2);
  });

  it('filters by consumer and limits', async () => {
    expect((await failed('?consumer=ledger')).map((r) => r.messageId)).toEqual(['c-1']);
    expect(await failed('?limit=1')).toHaveLength(1);
  });

  it('answers 400 for a bad limit', async () => {
    const response = await fixture.inject({ method: 'GET', url: '/event-process/failed?limit=-1' });
    expect(response.statusCode).toBe(400);
  });
});

describe('POST /event-process/failed/:consumer/:messageId/retry', () => {
  let fixture: HttpApiFixture;

  beforeEach(async () => {
    fixture = createHttpApiFixture();
    const message = (messageId: string) => ({
      consumer: 'orchestrator',
      messageId,
      sagaId: 'saga-1',
      messageType: 'reply',
      payload: '{"kind":"reply"}',
    });
    await fixture.eventProcess.receive([message('r-1'), message('r-2')]);
    await fixture.eventProcess.claim('orchestrator', 'r-1', new Date(0));
    await fixture.eventProcess.fail(
      'orchestrator',
      'r-1',
      'saga definition payment version 2 unknown',
    );
  });

  afterEach(async () => {
    await fixture.app.close();
  });

  const REASON = 'every instance runs transfer v1 now';

  /** A retry with a reason, plus `body`; `null` sends no body at all. */
  const retry = (path: string, body: object | null = {}) =>
    fixture.inject({
      method: 'POST',
      url: `/event-process/failed/${path}/retry`,
      ...(body === null ? {} : { payload: { reason: REASON, ...body } }),
    });

  /** A transfer saga, and a FAILED record of a reply to it; returns the saga id. */
  const failedReplyOfSaga = async (messageId: string): Promise<string> => {
    const { sagaId } = await fixture.kit.start('transfer', { from: 'alice', to: 'bob', amount: 5 });
    await fixture.eventProcess.receive([
      { consumer: 'orchestrator', messageId, sagaId, messageType: 'reply', payload: '{}' },
    ]);
    await fixture.eventProcess.claim('orchestrator', messageId, new Date(0));
    await fixture.eventProcess.fail(
      'orchestrator',
      messageId,
      'saga definition transfer v1 unknown',
    );
    return sagaId;
  };

  it('moves the FAILED record back to RECEIVED, requeues it, and logs who did it and why', async () => {
    const response = await retry('orchestrator/r-1');

    expect(response.statusCode).toBe(202);
    expect(response.json<EventProcessRecord>()).toMatchObject({
      consumer: 'orchestrator',
      messageId: 'r-1',
      status: 'RECEIVED',
      attempts: 1,
      lastError: 'saga definition payment version 2 unknown',
    });
    expect(fixture.failedEventProcess.requeued.map((r) => r.messageId)).toEqual(['r-1']);
    const listed = await fixture.inject({ method: 'GET', url: '/event-process/failed' });
    expect(listed.json<{ items: EventProcessRecord[] }>().items).toEqual([]);
    expect(fixture.logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'info',
        message: 'failed EventProcess record retried',
        fields: expect.objectContaining({
          consumer: 'orchestrator',
          messageId: 'r-1',
          actor: 'ops-ann',
          reason: REASON,
          sagaId: 'saga-1',
        }) as unknown,
      }),
    );
  });

  it("records the retry in its saga's history with the token name and the reason", async () => {
    const sagaId = await failedReplyOfSaga('r-7');
    const before = fixture.kit.history(sagaId).length;

    const response = await fixture.inject(
      {
        method: 'POST',
        url: '/event-process/failed/orchestrator/r-7/retry',
        payload: { reason: ' v1 deployed everywhere ' },
      },
      'ops-bob',
    );

    expect(response.statusCode).toBe(202);
    const history = fixture.kit.history(sagaId);
    expect(history).toHaveLength(before + 1);
    expect(history.at(-1)).toEqual<SagaEvent>({
      v: 1,
      at: '2030-01-01T00:00:00.000Z',
      type: 'MessageRedelivered',
      kind: 'event-process-retry',
      consumer: 'orchestrator',
      messageId: 'r-7',
      deadLetterId: null,
      actor: 'ops-bob',
      reason: 'v1 deployed everywhere',
    });
    expect(fixture.kit.state(sagaId).status).toBe('RUNNING');
  });

  it('retries a record of a saga that does not exist, and records it in no history', async () => {
    const response = await retry('orchestrator/r-1');

    expect(response.statusCode).toBe(202);
    expect(fixture.failedEventProcess.requeued.map((r) => r.messageId)).toEqual(['r-1']);
    await expect(fixture.kit.engine.getHistory('saga-1')).resolves.toEqual([]);
    expect(fixture.logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'info',
        message: 'redelivery not recorded in a saga history: the saga does not exist',
        fields: expect.objectContaining({ sagaId: 'saga-1', messageId: 'r-1' }) as unknown,
      }),
    );
  });

  it('records nothing in the history when the record is not FAILED (404)', async () => {
    const sagaId = await failedReplyOfSaga('r-8');
    expect((await retry('orchestrator/r-8')).statusCode).toBe(202);
    const after = fixture.kit.history(sagaId).length;

    expect((await retry('orchestrator/r-8')).statusCode).toBe(404);

    expect(fixture.kit.history(sagaId)).toHaveLength(after);
  });

  it('answers 404 for a record that is not FAILED, unknown, or retried already', async () => {
    for (const path of ['orchestrator/r-2', 'orchestrator/r-9', 'ledger/r-1']) {
      const response = await retry(path);
      expect(response.statusCode).toBe(404);
      expect(response.json<ErrorJson>().error.code).toBe('FAILED_RECORD_NOT_FOUND');
    }
    expect((await retry('orchestrator/r-1')).statusCode).toBe(202);
    expect((await retry('orchestrator/r-1')).statusCode).toBe(404);
    expect(fixture.failedEventProcess.requeued).toHaveLength(1);
  });

  it('answers 400 without a reason, for an actor in the body or an id that cannot be one', async () => {
    const withActor = await retry('orchestrator/r-1', { actor: 'ops-bob' });
    expect(withActor.statusCode).toBe(400);
    expect(withActor.json<ErrorJson>().error.details?.issues?.join()).toContain(
      'body.actor: not accepted',
    );
    for (const body of [
      null,
      {},
      { reason: '' },
      { reason: ' \n ' },
      { reason: 'x'.repeat(2001) },
    ]) {
      const response = await fixture.inject({
        method: 'POST',
        url: '/event-process/failed/orchestrator/r-1/retry',
        ...(body === null ? {} : { payload: body }),
      });
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorJson>().error.code).toBe('REQUEST_INVALID');
    }
    const noReason = await fixture.inject({
      method: 'POST',
      url: '/event-process/failed/orchestrator/r-1/retry',
      payload: {},
    });
    expect(noReason.json<ErrorJson>().error.details?.issues).toEqual([
      expect.stringMatching(/^body\.reason: /),
    ]);
    expect((await retry('orchestrator/r-1', { note: 'x' })).statusCode).toBe(400);
    expect((await retry('orchestrator/r%3A1')).statusCode).toBe(400);
    expect(fixture.failedEventProcess.requeued).toEqual([]);
    expect((await retry('orchestrator/r-1', { reason: 'x'.repeat(2000) })).statusCode).toBe(202);
  });
});
