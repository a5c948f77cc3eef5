import { InvalidArgumentError } from '../errors/errors';
import { sampleState, sampleSucceeded } from '../testing/contract-samples';
import { checkAppendBatch, checkAppendRequest } from './check-append-request';
import { type AppendRequest } from './event-store';

/** A well-formed append of `events` events to saga `sagaId` at `expectedVersion`. */
function request(sagaId: string, expectedVersion: number, events = 1): AppendRequest {
  return {
    sagaId,
    expectedVersion,
    events: Array.from({ length: events }, (_, i) =>
      sampleSucceeded('reserve', 1, `${sagaId}-reply-${expectedVersion + i}`),
    ),
    state: sampleState(sagaId, 'order', null, expectedVersion + events),
    outbox: [],
  };
}

/** What `check` throws, or null. */
function thrown(check: () => void): unknown {
  try {
    check();
    return null;
  } catch (error: unknown) {
    return error;
  }
}

describe('checkAppendRequest', () => {
  it('accepts a first append and a later one', () => {
    expect(() => {
      checkAppendRequest(request('a', 0, 2));
    }).not.toThrow();
    expect(() => {
      checkAppendRequest(request('a', 2));
    }).not.toThrow();
  });

  it.each([
    ['a negative expectedVersion', { ...request('a', 0), expectedVersion: -1 }, 'expectedVersion'],
    [
      'a fractional expectedVersion',
      { ...request('a', 1), expectedVersion: 1.5 },
      'expectedVersion',
    ],
    ['no events', { ...request('a', 1), events: [] }, 'events'],
    [
      'a state of another saga',
      { ...request('a', 1), state: sampleState('b', 'order', null, 2) },
      'state',
    ],
    [
      'a state at another version',
      { ...request('a', 1), state: sampleState('a', 'order', null, 3) },
      'state',
    ],
  ])('refuses %s, naming the field', (_, bad, field) => {
    const error = thrown(() => {
      checkAppendRequest(bad);
    });
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ field });
  });
});

describe('checkAppendBatch', () => {
  it('refuses an empty batch', () => {
    const error = thrown(() => {
      checkAppendBatch([]);
    });
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ field: 'requests' });
    expect(String(error)).toContain('a batch needs at least one request');
  });

  it('refuses a first append (a saga starts with append, which claims its business key)', () => {
    const error = thrown(() => {
      checkAppendBatch([request('a', 2), request('b', 0)]);
    });
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ field: 'expectedVersion', value: 0 });
    expect(String(error)).toContain("saga 'b' starts with append, not in a batch");
  });

  it('refuses the requests of one saga split by another saga', () => {
    const error = thrown(() => {
      checkAppendBatch([request('a', 2), request('b', 2), request('a', 3)]);
    });
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ field: 'requests', value: 'a' });
    expect(String(error)).toContain('must keep the requests of one saga next to each other');
  });

  it.each([
    ['at the same version as the previous one', [request('a', 2), request('a', 2)], 2],
    ['past the version the previous one leaves', [request('a', 2, 2), request('a', 5)], 5],
    ['behind the version the previous one leaves', [request('a', 2, 3), request('a', 4)], 4],
  ])('refuses a request of the same saga %s', (_, requests, expectedVersion) => {
    const error = thrown(() => {
      checkAppendBatch(requests);
    });
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ field: 'expectedVersion', value: expectedVersion });
    expect(String(error)).toContain("the version the previous request of saga 'a' leaves");
  });

  it('checks every request as checkAppendRequest does', () => {
    const error = thrown(() => {
      checkAppendBatch([request('a', 2), { ...request('b', 2), events: [] }]);
    });
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ field: 'events' });
  });

  it('accepts one request, and several sagas each chained at the version the previous leaves', () => {
    expect(() => {
      checkAppendBatch([request('a', 1)]);
    }).not.toThrow();
    expect(() => {
      checkAppendBatch([
        request('a', 2),
        request('a', 3, 2),
        request('a', 5),
        request('b', 7),
        request('c', 1, 3),
        request('c', 4),
      ]);
    }).not.toThrow();
  });
});
