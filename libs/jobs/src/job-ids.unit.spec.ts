import { InvalidArgumentError } from '@sagaflow/core';

import { eventProcessJobId, requeueJobId, timerJobId } from './job-ids';

describe('job ids', () => {
  it('uses timer ids as they are', () => {
    expect(timerJobId('s-1.reserve-credit.f.2.timeout')).toBe('s-1.reserve-credit.f.2.timeout');
    expect(timerJobId('007')).toBe('007');
  });

  it('rejects timer ids BullMQ cannot take, naming the value', () => {
    for (const bad of ['', 's-1:step', 'a b', '42', '-3']) {
      expect(() => timerJobId(bad)).toThrow(InvalidArgumentError);
    }
    expect(() => timerJobId('s:1')).toThrow('invalid timerId: "s:1"');
    expect(() => timerJobId('42')).toThrow('must not be a plain integer');
  });

  it('builds <consumer>-<messageId> without ":" and keeps distinct ids distinct', () => {
    expect(eventProcessJobId('payment-service', 'm-1.reply')).toBe('payment-service-m-1.reply');
    const ids = [
      eventProcessJobId('c', 'a:b'),
      eventProcessJobId('c', 'a%3Ab'),
      eventProcessJobId('c', 'a#1'),
      eventProcessJobId('c', 'a%b'),
    ];
    expect(ids).toEqual(['c-a%3Ab', 'c-a%253Ab', 'c-a%231', 'c-a%25b']);
    expect(ids.every((id) => !id.includes(':'))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives a requeued record an id of its own per attempt count', () => {
    expect(requeueJobId('c', 'm-1', 0)).toBe('c-m-1#0');
    expect(requeueJobId('c', 'm-1', 2)).not.toBe(requeueJobId('c', 'm-1', 3));
    // A message id ending like a requeue suffix cannot collide with one: '#' is escaped.
    expect(eventProcessJobId('c', 'm-1#0')).not.toBe(requeueJobId('c', 'm-1', 0));
  });

  it("adds the record's updatedAt when given: a record retried at the same attempts gets a new id", () => {
    const first = requeueJobId('c', 'm-1', 5, '2030-01-01T00:00:00.000Z');
    expect(first).toBe('c-m-1#5-1893456000000');
    expect(requeueJobId('c', 'm-1', 5, '2030-01-01T00:00:00.000Z')).toBe(first);
    expect(requeueJobId('c', 'm-1', 5, '2030-01-01T00:05:00.000Z')).not.toBe(first);
    expect(first).not.toContain(':');
    expect(requeueJobId('c', 'm-1', 5, 'not a time')).toBe('c-m-1#5');
  });
});
