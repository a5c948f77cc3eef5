// The saga tested with the test kit of the installed @sagaflow/core, on node:test.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { BusinessError } from '@sagaflow/core';
import { createSagaTestKit, type ParticipantHandlers } from '@sagaflow/core/testing';

import { bookTrip } from './book-trip.saga';

function participants(hotelsFull: boolean): ParticipantHandlers {
  return {
    flights: { BookFlight: () => ({ fare: 300 }), CancelFlight: () => ({}) },
    hotels: {
      BookHotel: (p: { budget: number }) => {
        if (hotelsFull) throw new BusinessError('NO_ROOM', `nothing under ${p.budget}`);
        return {};
      },
      CancelHotel: () => ({}),
    },
    cars: { RentCar: () => ({}), ReturnCar: () => ({}) },
    payments: { Charge: () => ({}) },
    mailer: { SendItinerary: () => ({}) },
  };
}

const trip = { tripId: 't-1', travellerId: 'v-1', budget: 1000 };

void test('a trip is booked: every step once, in order, the car beside the hotel', async () => {
  const kit = createSagaTestKit({ definitions: [bookTrip], participants: participants(false) });
  const { sagaId } = await kit.start('book-trip', trip);
  await kit.runUntilIdle();

  assert.equal(kit.state(sagaId).status, 'COMPLETED');
  assert.deepEqual(
    kit.sentCommands({ sagaId }).map((command) => command.command),
    ['BookFlight', 'BookHotel', 'RentCar', 'Charge', 'SendItinerary'],
  );
});

void test('no room: the car is returned and the flight cancelled, nothing charged', async () => {
  const kit = createSagaTestKit({ definitions: [bookTrip], participants: participants(true) });
  const { sagaId } = await kit.start('book-trip', trip);
  await kit.runUntilIdle();

  assert.equal(kit.state(sagaId).status, 'COMPENSATED');
  const sent = kit.sentCommands({ sagaId }).map((command) => command.command);
  assert.ok(sent.includes('ReturnCar') && sent.includes('CancelFlight'), sent.join(', '));
  assert.ok(!sent.includes('Charge'), sent.join(', '));
});
