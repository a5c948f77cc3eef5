import { type DeadLetter } from '../ports/dead-letter-store';
import { InvalidArgumentError } from '../errors/errors';
import { InMemoryDeadLetterStore } from './in-memory-dead-letter-store';

const letter: DeadLetter = {
  consumer: 'ledger',
  sourceTopic: 'sagaflow.ledger.commands',
  partition: 0,
  offset: '41',
  key: 'saga-1',
  value: '{not json',
  valueTruncated: false,
  headers: { 'sagaflow-message-id': 'm-1' },
  reason: { code: 'MALFORMED_MESSAGE', message: 'value is not JSON' },
  messageId: null,
  sagaId: null,
  failedAt: '2030-01-01T00:00:00.000Z',
};

describe('InMemoryDeadLetterStore', () => {
  it('gives ids from 1 and keeps copies: changing what went in or came out changes nothing', async () => {
    const store = new InMemoryDeadLetterStore();
    const given = { ...letter, headers: { ...letter.headers } };
    const { id } = await store.record(given);
    given.headers['sagaflow-message-id'] = 'changed';
    const read = await store.get(id);
    if (read === null) throw new Error('missing');
    (read.headers as Record<string, string>)['sagaflow-message-id'] = 'changed too';

    expect(id).toBe('1');
    await expect(store.get(id)).resolves.toMatchObject({ headers: letter.headers });
  });

  it('lists nothing before an id that no entry could have, and refuses a bad limit', async () => {
    const store = new InMemoryDeadLetterStore();
    await store.record(letter);

    await expect(store.list({ limit: 10, beforeId: 'abc' })).resolves.toEqual([]);
    await expect(store.list({ limit: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(store.markReplayed('1', 'ops', new Date(Number.NaN))).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});
