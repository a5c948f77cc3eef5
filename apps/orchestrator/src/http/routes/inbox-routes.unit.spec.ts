import { type InboxRecord } from '@sagaflow/core';

import { createHttpApiFixture, type HttpApiFixture } from '../__fixtures__/http-api-fixture';

describe('GET /inbox/failed', () => {
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
    await fixture.inbox.receive([
      message('orchestrator', 'r-1'),
      message('orchestrator', 'r-2'),
      message('ledger', 'c-1'),
    ]);
    await fixture.inbox.fail('orchestrator', 'r-1', 'reply schema mismatch');
    await fixture.inbox.fail('ledger', 'c-1', 'handler crashed');
  });

  afterEach(async () => {
    await fixture.app.close();
  });

  const failed = async (query: string) => {
    const response = await fixture.app.inject({ method: 'GET', url: `/inbox/failed${query}` });
    expect(response.statusCode).toBe(200);
    return response.json<{ items: InboxRecord[] }>().items;
  };

  it('pages with the cursor', async () => {
    const response = await fixture.app.inject({ method: 'GET', url: '/inbox/failed?limit=1' });
    const first = response.json<{ items: InboxRecord[]; nextCursor: string | null }>();
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const second = await fixture.app.inject({
      method: 'GET',
      url: `/inbox/failed?limit=1&cursor=${first.nextCursor ?? ''}`,
    });
    const page = second.json<{ items: InboxRecord[]; nextCursor: string | null }>();
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
    const response = await fixture.app.inject({ method: 'GET', url: '/inbox/failed?limit=-1' });
    expect(response.statusCode).toBe(400);
  });
});
