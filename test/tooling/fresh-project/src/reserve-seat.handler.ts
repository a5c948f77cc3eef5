// A participant's command handler, as a service using the installed @sagaflow/participant
// writes it: the payload's type comes from its schema.
import { BusinessError } from '@sagaflow/core';
import { commandHandler } from '@sagaflow/participant';
import { z } from 'zod';

/** Seats left per flight, as the service's database would hold them. */
export type Seats = Map<string, number>;

export function reserveSeat(seats: Seats) {
  return commandHandler(
    z.object({ flightId: z.string(), travellers: z.number().int().positive() }),
    ({ flightId, travellers }) => {
      const left = seats.get(flightId) ?? 0;
      if (left < travellers) {
        throw new BusinessError('FLIGHT_FULL', `${flightId} has ${left} seats left`);
      }
      seats.set(flightId, left - travellers);
      return { seatsLeft: left - travellers };
    },
  );
}
