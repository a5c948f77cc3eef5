import { type JsonObject } from '@sagaflow/core';
import { decideAll, successReply, startInput } from '@sagaflow/core/testing';
import { loadPlaceOrderSagaOptions, placeOrderSaga } from '@sagaflow/examples';

import { checkSagaStreams, type StoredSagaStream } from './stream-checks';

const saga = placeOrderSaga(loadPlaceOrderSagaOptions({}));
const input = { orderId: 'o-1', customerId: 'c-1', sku: 'sku-1', quantity: 1, amount: 10 };
/** The services' replies, as their contracts have them. */
const replies: [string, JsonObject][] = [
  ['create-order', { orderId: 'o-1', status: 'PENDING' }],
  ['reserve-credit', { orderId: 'o-1', customerId: 'c-1', amount: 10, creditAvailable: 90 }],
  ['reserve-stock', { orderId: 'o-1', sku: 'sku-1', quantity: 1, available: 4 }],
  ['approve-order', { orderId: 'o-1', status: 'APPROVED' }],
  ['notify-customer', { orderId: 'o-1', notified: true }],
];

function completed(sagaId: string): StoredSagaStream {
  const run = decideAll(saga, [
    startInput(sagaId, input),
    ...replies.map(([step, payload]) => successReply({ sagaId, step }, payload)),
  ]);
  return {
    sagaId,
    seqs: run.events.map((_, index) => index + 1),
    events: run.events,
    projection: run.state,
  };
}

const failed = (stream: StoredSagaStream) =>
  checkSagaStreams(saga, [stream])
    .filter((check) => !check.ok)
    .map((check) => check.name);

describe('checkSagaStreams', () => {
  it('passes the streams the decider wrote', () => {
    const stream = completed('s-1');
    expect(stream.projection?.status).toBe('COMPLETED');
    expect(checkSagaStreams(saga, [stream, completed('s-2')]).every((c) => c.ok)).toBe(true);
  });

  it('finds a gap in a sequence, a second terminal event and a broken invariant', () => {
    const stream = completed('s-1');
    expect(
      failed({ ...stream, seqs: stream.seqs.map((seq) => (seq > 3 ? seq + 1 : seq)) }),
    ).toEqual(['no gap in any event sequence']);
    const end = stream.events.at(-1);
    if (end === undefined) throw new Error('fixture');
    expect(
      failed({
        ...stream,
        seqs: [...stream.seqs, stream.seqs.length + 1],
        events: [...stream.events, end],
      }),
    ).toEqual(['one terminal event per ended saga', 'every stream holds the decider invariants']);
    expect(failed({ ...stream, events: stream.events.slice(0, -1) })).toEqual([
      'one terminal event per ended saga',
      'every stream holds the decider invariants',
    ]);
  });
});
