// A saga as a user of the installed packages writes it: flight, then hotel and car in
// parallel, payment as the pivot, an itinerary retried until it is sent.
import { defineSaga } from '@sagaflow/core';
import { z } from 'zod';

export const bookTrip = defineSaga('book-trip', {
  version: 1,
  input: z.object({ tripId: z.string(), travellerId: z.string(), budget: z.number().positive() }),
})
  .step('book-flight', (s) =>
    s
      .invoke('flights', 'BookFlight', (d) => ({ tripId: d.tripId }))
      .compensate('flights', 'CancelFlight', (d) => ({ tripId: d.tripId }))
      .onReply(z.object({ fare: z.number() }), (reply) => ({ fare: reply.fare }))
      .timeout(5_000),
  )
  .parallel('stay', (g) =>
    g
      .branch('book-hotel', (s) =>
        s
          .invoke('hotels', 'BookHotel', (d) => ({ tripId: d.tripId, budget: d.budget - d.fare }))
          .compensate('hotels', 'CancelHotel', (d) => ({ tripId: d.tripId }))
          .timeout(5_000),
      )
      .branch('rent-car', (s) =>
        s
          .invoke('cars', 'RentCar', (d) => ({ tripId: d.tripId }))
          .compensate('cars', 'ReturnCar', (d) => ({ tripId: d.tripId }))
          .timeout(5_000),
      ),
  )
  .pivot('charge', (s) =>
    s.invoke('payments', 'Charge', (d) => ({ travellerId: d.travellerId, amount: d.budget })),
  )
  .retriable('send-itinerary', (s) =>
    s
      .invoke('mailer', 'SendItinerary', (d) => ({ tripId: d.tripId }))
      .retry({ maxAttempts: Infinity, initialDelayMs: 100 }),
  )
  .build();
