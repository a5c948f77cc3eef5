import { defineSaga } from '@sagaflow/core';
import { z } from 'zod';

import { paymentSaga } from './__fixtures__/payment-saga';
import { participantsOf } from './participants-of';

const shipping = defineSaga('ship', { version: 1, input: z.object({ id: z.string() }) })
  .parallel('prepare', (g) =>
    g
      .branch('pack', (s) =>
        s
          .invoke('warehouse', 'Pack', (d) => ({ id: d.id }))
          .compensate('returns-desk', 'Unpack', (d) => ({ id: d.id })),
      )
      .branch('label', (s) => s.invoke('carrier', 'Label', (d) => ({ id: d.id })).readOnly()),
  )
  .pivot('dispatch', (s) => s.invoke('carrier', 'Dispatch', (d) => ({ id: d.id })))
  .build();

describe('participantsOf', () => {
  it('lists the participants of steps, parallel branches and compensations once, sorted', () => {
    expect(participantsOf([shipping])).toEqual(['carrier', 'returns-desk', 'warehouse']);
  });

  it('merges the participants of several definitions', () => {
    expect(participantsOf([paymentSaga, shipping, paymentSaga])).toEqual([
      'carrier',
      'returns-desk',
      'wallet',
      'warehouse',
    ]);
  });

  it('is empty without definitions', () => {
    expect(participantsOf([])).toEqual([]);
  });
});
