// The handler tested on its own: its schema, its reply, its business failure.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { BusinessError } from '@sagaflow/core';
import { type CommandContext } from '@sagaflow/participant';

import { reserveSeat } from './reserve-seat.handler';

// The handler uses no transaction: a context without a database is enough here.
const context = {} as CommandContext;

void test('reserves seats and answers how many are left', async () => {
  const seats = new Map([['fl-1', 3]]);
  const handler = reserveSeat(seats);
  const payload = handler.schema.parse({ flightId: 'fl-1', travellers: 2 });

  assert.deepEqual(await handler.handle(payload, context), { seatsLeft: 1 });
  assert.equal(seats.get('fl-1'), 1);
});

void test('refuses a full flight with a business error, and a bad payload by its schema', async () => {
  const handler = reserveSeat(new Map([['fl-1', 1]]));

  await assert.rejects(
    async () => handler.handle({ flightId: 'fl-1', travellers: 2 }, context),
    (error: unknown) => error instanceof BusinessError && error.reason === 'FLIGHT_FULL',
  );
  assert.equal(handler.schema.safeParse({ flightId: 'fl-1', travellers: 0 }).success, false);
});
