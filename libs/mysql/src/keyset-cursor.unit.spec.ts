import { InvalidArgumentError } from '@sagaflow/core';

import { decodeCursor, encodeCursor } from './keyset-cursor';

describe('keyset cursors', () => {
  it('round-trip the sort values of a row', () => {
    const values = ['2031-01-01T00:00:00.000Z', 'saga ü/1', 7];
    expect(decodeCursor(encodeCursor(values), 3)).toEqual(values);
    expect(encodeCursor(values)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each(['', 'not base64 json', encodeCursor(['a']), encodeCursor(['a', 'b', 'c'])])(
    'reject %p as a cursor of two values',
    (cursor) => {
      expect(() => decodeCursor(cursor, 2)).toThrow(InvalidArgumentError);
    },
  );

  it('rejects values that are not strings or numbers', () => {
    const cursor = Buffer.from(JSON.stringify([{}, null])).toString('base64url');
    expect(() => decodeCursor(cursor, 2)).toThrow('invalid cursor');
  });
});
