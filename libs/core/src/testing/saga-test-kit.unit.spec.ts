import { z } from 'zod';
import { defineSaga } from '../definition/define-saga';
import { BusinessError, InvalidArgumentError, SagaNotFoundError } from '../errors/errors';
import { type ParticipantHandlers } from './participant-handler';
import { createSagaTestKit, type SagaTestKitOptions } from './saga-test-kit';

const bookTrip = defineSaga('book-trip', {
  version: 1,
  input: z.object({ tripId: z.string(), budget: z.number() }),
})
  .step('hold-seat', (s) =>
    s
      .invoke('airline', 'HoldSeat', (d) => ({ tripId: d.tripId }))
      .compensate('airline', 'ReleaseSeat', (d) => ({ tripId: d.tripId }), {
        retry: { maxAttempts: 2, initialDelayMs: 100 },
      })
      .onReply(z.object({ seat: z.string() }), (r) => ({ seat: r.seat }))
      .retry({ maxAttempts: 3, initialDelayMs: 100, jitter: 0 })
      .timeout(1000),
  )
  .parallel('extras', (g) =>
    g
      .branch('book-hotel', (s) =>
        s
          .invoke('hotel', 'BookRoom', (d) => ({ tripId: d.tripId, seat: d.seat }))
          .compensate('hotel', 'CancelRoom', (d) => ({ tripId: d.tripId })),
      )
      .branch('rent-car', (s) =>
        s
          .invoke('cars', 'RentCar', (d) => ({ tripId: d.tripId }))
          .compensate('cars', 'ReturnCar', (d) => ({ tripId: d.tripId })),
      ),
  )
  .pivot('charge', (s) =>
    s.invoke('payment', 'Charge', (d) => ({ tripId: d.tripId, amount: d.budget })),
  )
  .retriable('notify', (s) =>
    s
      .invoke('mail', 'SendItinerary', (d) => ({ tripId: d.tripId }))
      .retry({ maxAttempts: Infinity, initialDelayMs: 100 }),
  )
  .build();

/** Participants that remember what they applied, like the real services' databases. */
function participants() {
  const seats = new Set<string>();
  const charged: string[] = [];
  const handlers: ParticipantHandlers = {
    airline: {
      HoldSeat: (p: { tripId: string }) => {
        seats.add(p.tripId);
        return { seat: `12A-${p.tripId}` };
      },
      ReleaseSeat: (p: { tripId: string }) => {
        seats.delete(p.tripId);
        return undefined;
      },
    },
    hotel: { BookRoom: () => ({}), CancelRoom: () => ({}) },
    cars: { RentCar: async () => Promise.resolve({}), ReturnCar: () => ({}) },
    payment: {
      Charge: (p: { tripId: string; amount: number }) => {
        if (p.amount > 1000) throw new BusinessError('OVER_BUDGET', `cannot charge ${p.amount}`);
        charged.push(p.tripId);
        return {};
      },
    },
    mail: { SendItinerary: () => ({}) },
  };
  return { handlers, seats, charged };
}

function newKit(overrides: Partial<SagaTestKitOptions> = {}) {
  const world = participants();
  const kit = createSagaTestKit({
    definitions: [bookTrip],
    participants: world.handlers,
    ...overrides,
  });
  return { kit, ...world };
}

const trip = { tripId: 't1', budget: 500 };

describe('SagaTestKit', () => {
  it('happy path: every step runs once, in order, and the saga completes', async () => {
    const { kit, seats, charged } = newKit();
    const { sagaId } = await kit.start('book-trip', trip, { businessKey: 'trip-1' });
    expect(kit.sentCommands()).toEqual([]);

    await kit.runUntilIdle();

    expect(kit.state(sagaId)).toMatchObject({
      status: 'COMPLETED',
      data: { tripId: 't1', budget: 500, seat: '12A-t1' },
    });
    expect(kit.sentCommands().map((c) => c.command)).toEqual([
      'HoldSeat',
      'BookRoom',
      'RentCar',
      'Charge',
      'SendItinerary',
    ]);
    expect(kit.handledCommands().map((c) => c.command)).toEqual(
      kit.sentCommands().map((c) => c.command),
    );
    expect(kit.sentCommands({ command: 'BookRoom' })[0]?.payload).toEqual({
      tripId: 't1',
      seat: '12A-t1',
    });
    expect(kit.history(sagaId).at(-1)?.type).toBe('SagaCompleted');
    expect(kit.duplicates()).toEqual([]);
    expect(kit.inFlight()).toBe(0);
    expect([...seats]).toEqual(['t1']);
    expect(charged).toEqual(['t1']);
  });

  it('business failure at the pivot: the completed steps are compensated in reverse order', async () => {
    const { kit, seats, charged } = newKit();
    const { sagaId } = await kit.start('book-trip', { tripId: 't1', budget: 5000 });

    await kit.runUntilIdle();

    expect(kit.state(sagaId).status).toBe('COMPENSATED');
    expect(kit.state(sagaId).failure).toMatchObject({ step: 'charge', code: 'OVER_BUDGET' });
    const compensations = kit.sentCommands({ direction: 'compensation' }).map((c) => c.command);
    expect(compensations.slice(-1)).toEqual(['ReleaseSeat']);
    expect(compensations.slice(0, 2).sort()).toEqual(['CancelRoom', 'ReturnCar']);
    expect(seats.size).toBe(0);
    expect(charged).toEqual([]);
  });

  it('a business failure in one parallel branch compensates only what completed', async () => {
    const { kit } = newKit();
    kit.faults('cars', 'RentCar').failOnce({ kind: 'business', code: 'NO_CARS' });
    const { sagaId } = await kit.start('book-trip', trip);

    await kit.runUntilIdle();

    expect(kit.state(sagaId).status).toBe('COMPENSATED');
    expect(kit.sentCommands({ direction: 'compensation' }).map((c) => c.command)).toEqual([
      'CancelRoom',
      'ReleaseSeat',
    ]);
    expect(kit.handledCommands({ command: 'RentCar' })).toEqual([]);
  });

  it('a technical failure is retried per the step policy, and the saga completes', async () => {
    const { kit } = newKit();
    kit.faults('airline', 'HoldSeat').failOnce({ kind: 'technical', message: 'db locked' });
    const { sagaId } = await kit.start('book-trip', trip);

    await kit.runUntilIdle();
    expect(kit.state(sagaId).steps['hold-seat']?.status).toBe('WAITING_RETRY');

    await kit.advanceTime(100);

    expect(kit.state(sagaId).status).toBe('COMPLETED');
    expect(kit.sentCommands({ command: 'HoldSeat' }).map((c) => c.attempt)).toEqual([1, 2]);
    expect(kit.handledCommands({ command: 'HoldSeat' })).toHaveLength(1);
  });

  it('no reply: the step times out, is retried, then given up and compensated', async () => {
    const { kit, seats } = newKit();
    kit.faults('airline', 'HoldSeat').dropNext().dropNext().dropNext();
    const { sagaId } = await kit.start('book-trip', trip);

    await kit.runUntilIdle();
    expect(kit.state(sagaId).status).toBe('RUNNING');
    await kit.advanceTime(10_000);

    expect(kit.state(sagaId).status).toBe('COMPENSATED');
    expect(kit.sentCommands({ sagaId }).map((c) => [c.command, c.attempt])).toEqual([
      ['HoldSeat', 1],
      ['HoldSeat', 2],
      ['HoldSeat', 3],
      ['ReleaseSeat', 1],
    ]);
    expect(kit.history(sagaId).filter((e) => e.type === 'AttemptFailed')).toHaveLength(3);
    expect(seats.size).toBe(0);
    // HoldSeat never reached the airline: its compensation had nothing to undo.
    expect(kit.nothingToUndo().map((c) => [c.command, c.attempt])).toEqual([['ReleaseSeat', 1]]);
    expect(kit.handledCommands({ direction: 'compensation' })).toEqual([]);
  });

  it('a compensation whose forward command was never delivered succeeds without running its handler', async () => {
    const world = participants();
    const released: string[] = [];
    const kit = createSagaTestKit({
      definitions: [bookTrip],
      participants: {
        ...world.handlers,
        airline: {
          ...world.handlers.airline,
          ReleaseSeat: (p: { tripId: string }) => {
            released.push(p.tripId);
            return {};
          },
        },
      },
    });
    kit.faults('airline', 'HoldSeat').dropNext().dropNext().dropNext();
    const { sagaId } = await kit.start('book-trip', trip);

    await kit.advanceTime(10_000);

    expect(kit.state(sagaId)).toMatchObject({
      status: 'COMPENSATED',
      steps: { 'hold-seat': { status: 'COMPENSATED' } },
    });
    expect(kit.sentCommands({ command: 'ReleaseSeat' })).toHaveLength(1);
    expect(kit.nothingToUndo({ sagaId, step: 'hold-seat' })).toEqual([
      expect.objectContaining({ command: 'ReleaseSeat', direction: 'compensation', attempt: 1 }),
    ]);
    expect(kit.handledCommands({ command: 'ReleaseSeat' })).toEqual([]);
    expect(released).toEqual([]);
  });

  it('a branch without .timeout() whose command is lost times out after the default 30 s', async () => {
    const { kit, seats } = newKit();
    kit.faults('cars', 'RentCar').dropNext();
    const { sagaId } = await kit.start('book-trip', trip);

    await kit.advanceTime(29_999);
    expect(kit.state(sagaId).steps['rent-car']?.status).toBe('RUNNING');
    await kit.advanceTime(1);

    expect(kit.state(sagaId)).toMatchObject({
      status: 'COMPENSATED',
      failure: { step: 'rent-car', code: 'TIMEOUT' },
    });
    // The timed-out branch is compensated too; the car was never rented, so nothing to undo.
    expect(kit.nothingToUndo().map((c) => c.command)).toEqual(['ReturnCar']);
    expect(kit.handledCommands({ direction: 'compensation' }).map((c) => c.command)).toEqual([
      'CancelRoom',
      'ReleaseSeat',
    ]);
    expect(seats.size).toBe(0);
  });

  it('a forward command that applied but lost its reply is undone by its handler', async () => {
    const { kit } = newKit();
    kit.faults('cars', 'RentCar').dropNextReply();
    const { sagaId } = await kit.start('book-trip', trip);

    await kit.advanceTime(30_000);

    expect(kit.state(sagaId).status).toBe('COMPENSATED');
    expect(kit.handledCommands({ step: 'rent-car' }).map((c) => c.command)).toEqual([
      'RentCar',
      'ReturnCar',
    ]);
    expect(kit.nothingToUndo()).toEqual([]);
  });

  it('a lost reply: the retry finds the step applied and gets the stored reply, the handler runs once', async () => {
    const { kit } = newKit();
    kit.faults('airline', 'HoldSeat').dropNextReply();
    const { sagaId } = await kit.start('book-trip', trip);

    await kit.runUntilIdle();
    await kit.advanceTime(1100);

    expect(kit.state(sagaId).status).toBe('COMPLETED');
    expect(kit.sentCommands({ command: 'HoldSeat' })).toHaveLength(2);
    expect(kit.handledCommands({ command: 'HoldSeat' })).toHaveLength(1);
    expect(kit.duplicates()).toEqual([
      expect.objectContaining({
        kind: 'command',
        command: expect.objectContaining({ attempt: 2 }) as unknown,
      }),
    ]);
  });

  it('duplicated commands and replies: each handler runs once, duplicates are counted and ignored', async () => {
    const { kit } = newKit();
    kit.faults('hotel', 'BookRoom').duplicateCommands();
    kit.faults('cars', 'RentCar').duplicateReplies();
    const { sagaId } = await kit.start('book-trip', trip);

    await kit.runUntilIdle();

    expect(kit.state(sagaId).status).toBe('COMPLETED');
    expect(kit.handledCommands({ command: 'BookRoom' })).toHaveLength(1);
    expect(kit.handledCommands({ command: 'RentCar' })).toHaveLength(1);
    expect(kit.duplicates().map((d) => [d.kind, d.command.command])).toEqual([
      ['command', 'BookRoom'],
      ['reply', 'RentCar'],
    ]);
    const ignored = kit.history(sagaId).flatMap((e) => (e.type === 'InputIgnored' ? [e] : []));
    expect(ignored.map((e) => [e.step, e.reason])).toEqual([
      ['book-hotel', 'duplicate'],
      ['rent-car', 'duplicate'],
    ]);
  });

  it('delayed replies arrive when the clock reaches them', async () => {
    const { kit } = newKit();
    kit.faults('airline', 'HoldSeat').delayReplies(500);
    const { sagaId } = await kit.start('book-trip', trip);

    await kit.runUntilIdle();
    expect(kit.state(sagaId).status).toBe('RUNNING');
    expect(kit.inFlight()).toBe(1);

    await kit.advanceTime(499);
    expect(kit.state(sagaId).steps['hold-seat']?.status).toBe('RUNNING');
    await kit.advanceTime(1);
    expect(kit.state(sagaId).status).toBe('COMPLETED');
  });

  it('a reply later than the timeout is stale: the step is retried', async () => {
    const { kit } = newKit();
    kit.faults('airline', 'HoldSeat').delayReplies(1500);
    const { sagaId } = await kit.start('book-trip', trip);
    await kit.runUntilIdle();
    kit.faults('airline', 'HoldSeat').reset();

    await kit.advanceTime(5000);

    expect(kit.state(sagaId).status).toBe('COMPLETED');
    expect(kit.sentCommands({ command: 'HoldSeat' }).map((c) => c.attempt)).toEqual([1, 2]);
    // The late reply of attempt 1 arrives after the saga ended: recorded, nothing else.
    expect(kit.history(sagaId).at(-1)).toMatchObject({
      type: 'InputIgnored',
      step: 'hold-seat',
      attempt: 1,
      reason: 'saga-ended',
    });
  });

  it('random delivery order with a seed: deterministic, and every saga still ends right', async () => {
    const run = async (seed: number) => {
      const { kit } = newKit();
      kit.deliveryOrder('random', seed);
      kit.faults('hotel', 'BookRoom').duplicateCommands();
      kit.faults('cars', 'RentCar').duplicateReplies();
      const ids: string[] = [];
      for (let i = 0; i < 8; i += 1) {
        const budget = i % 3 === 0 ? 5000 : 100;
        ids.push((await kit.start('book-trip', { tripId: `t${i}`, budget })).sagaId);
      }
      await kit.runUntilIdle();
      return { kit, ids };
    };

    const first = await run(7);
    const again = await run(7);
    const other = await run(8);

    for (const [i, sagaId] of first.ids.entries()) {
      expect(first.kit.state(sagaId).status).toBe(i % 3 === 0 ? 'COMPENSATED' : 'COMPLETED');
      for (const step of ['hold-seat', 'book-hotel', 'rent-car']) {
        expect(first.kit.handledCommands({ sagaId, step, direction: 'forward' })).toHaveLength(1);
      }
    }
    const order = (r: typeof first) => r.kit.sentCommands().map((c) => c.messageId);
    expect(order(again)).toEqual(order(first));
    expect(order(other)).not.toEqual(order(first));
    expect(() => first.kit.deliveryOrder('random' as 'fifo')).toThrow('invalid seed');
    expect(() => first.kit.deliveryOrder('lifo' as 'fifo')).toThrow('invalid order');
    expect(first.kit.deliveryOrder('fifo')).toBe(first.kit);
  });

  it('operator actions through kit.engine.act: a parked compensation retried, then resolved', async () => {
    const { kit } = newKit();
    kit.faults('payment', 'Charge').failOnce({ kind: 'business' });
    kit.faults('airline', 'ReleaseSeat').failAlways({ kind: 'technical' });
    const { sagaId } = await kit.start('book-trip', trip);

    await kit.advanceTime(10_000);
    expect(kit.state(sagaId).status).toBe('COMPENSATION_FAILED');

    await kit.engine.act(sagaId, {
      action: 'retry-compensation',
      actor: 'ops@example.com',
      reason: 'airline back up?',
    });
    await kit.advanceTime(10_000);
    expect(kit.state(sagaId).status).toBe('COMPENSATION_FAILED');

    kit.faults('airline', 'ReleaseSeat').reset();
    await kit.engine.act(sagaId, { action: 'retry-compensation', actor: 'ops', reason: 'fixed' });
    await kit.runUntilIdle();

    expect(kit.state(sagaId).status).toBe('COMPENSATED');
    expect(kit.history(sagaId).filter((e) => e.type === 'OperatorActionRecorded')).toHaveLength(2);
  });

  it('operator abort: a step still in flight is compensated once it replies success', async () => {
    const { kit, seats } = newKit();
    const { sagaId } = await kit.start('book-trip', trip);

    await kit.engine.act(sagaId, { action: 'abort', actor: 'ops', reason: 'customer cancelled' });
    expect(kit.state(sagaId).status).toBe('COMPENSATING');
    await kit.runUntilIdle();

    expect(kit.state(sagaId).status).toBe('COMPENSATED');
    expect(kit.sentCommands({ sagaId }).map((c) => c.command)).toEqual(['HoldSeat', 'ReleaseSeat']);
    expect(seats.size).toBe(0);
    await expect(
      kit.engine.act(sagaId, { action: 'abort', actor: 'ops', reason: 'again' }),
    ).rejects.toThrow('the saga has ended');
  });

  it('a handler that returns something other than a JSON object, or throws a non-error, fails technically', async () => {
    const world = participants();
    const kit = createSagaTestKit({
      definitions: [bookTrip],
      participants: {
        ...world.handlers,
        hotel: { ...world.handlers.hotel, BookRoom: () => ({ when: new Date(0) }) as never },
        cars: {
          ...world.handlers.cars,
          RentCar: () => {
            throw 'no cars' as unknown as Error;
          },
        },
      },
    });
    const { sagaId } = await kit.start('book-trip', trip);
    await kit.runUntilIdle();

    const failures = kit.history(sagaId).flatMap((e) => (e.type === 'AttemptFailed' ? [e] : []));
    expect(failures.map((e) => [e.step, e.failure.code, e.failure.message]).sort()).toEqual([
      ['book-hotel', 'HANDLER_ERROR', 'the handler returned something other than a JSON object'],
      ['rent-car', 'HANDLER_ERROR', 'no cars'],
    ]);
    expect(kit.state(sagaId).status).toBe('COMPENSATED');
  });

  it('JSON payloads pass whole; a function inside one is a technical failure', async () => {
    const world = participants();
    const kit = createSagaTestKit({
      definitions: [bookTrip],
      participants: {
        ...world.handlers,
        hotel: {
          ...world.handlers.hotel,
          BookRoom: () => ({ rooms: [1, 'two', null, { floor: 3, view: true }], note: 'ok' }),
        },
        cars: { ...world.handlers.cars, RentCar: () => ({ callback: () => 1 }) as never },
      },
    });
    const { sagaId } = await kit.start('book-trip', trip);
    await kit.runUntilIdle();

    const outcomes = kit
      .history(sagaId)
      .flatMap((e) =>
        e.type === 'StepSucceeded' || e.type === 'AttemptFailed' ? [[e.type, e.step]] : [],
      );
    expect(outcomes).toContainEqual(['StepSucceeded', 'book-hotel']);
    expect(outcomes).toContainEqual(['AttemptFailed', 'rent-car']);
  });

  it('a handler removed after the kit was created fails the run loudly', async () => {
    const { handlers } = participants();
    const airline: Record<string, unknown> = { ...handlers.airline };
    const kit = createSagaTestKit({
      definitions: [bookTrip],
      participants: { ...handlers, airline: airline as ParticipantHandlers[string] },
    });
    delete airline.HoldSeat;
    await kit.start('book-trip', trip);
    await expect(kit.runUntilIdle()).rejects.toThrow(
      'invalid participants: "airline.HoldSeat" (has no handler)',
    );
  });

  it('business failures by code; injected failures default their code and message', async () => {
    const { kit } = newKit();
    kit.faults('payment', 'Charge').failTimes(1, { kind: 'business' });
    const { sagaId } = await kit.start('book-trip', trip);
    await kit.runUntilIdle();
    expect(kit.state(sagaId).failure).toEqual({
      step: 'charge',
      code: 'INJECTED_BUSINESS_FAILURE',
      message: 'failure injected by the test kit',
    });
    expect(() => kit.faults('x', 'y').failOnce({ kind: 'fatal' as 'business' })).toThrow(
      'invalid failure.kind: "fatal"',
    );
    expect(() => kit.faults('x', 'y').failTimes(0, { kind: 'business' })).toThrow('invalid times');
    expect(() => kit.faults('x', 'y').delayReplies(-1)).toThrow('invalid ms');
  });

  it('refuses participants without a handler for a command the definitions send', () => {
    const { handlers } = participants();
    const { hotel: _hotel, ...withoutHotel } = handlers;
    expect(() =>
      createSagaTestKit({ definitions: [bookTrip], participants: withoutHotel }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      createSagaTestKit({ definitions: [bookTrip], participants: withoutHotel }),
    ).toThrow('invalid participants: ["hotel.BookRoom","hotel.CancelRoom"]');
  });

  it('fails rather than spinning when a run needs more than maxSteps', async () => {
    const { kit } = newKit({ maxSteps: 3 });
    await kit.start('book-trip', trip);
    await expect(kit.runUntilIdle()).rejects.toThrow('invalid maxSteps: 3');
  });

  it('starts its clock at startAt; state of an unknown saga throws', async () => {
    const { kit } = newKit({ startAt: '2031-06-01T12:00:00Z' });
    const { sagaId } = await kit.start('book-trip', trip, { sagaId: 'my-trip' });
    expect(sagaId).toBe('my-trip');
    expect(kit.state(sagaId).startedAt).toBe('2031-06-01T12:00:00.000Z');
    expect(kit.clock.now().toISOString()).toBe('2031-06-01T12:00:00.000Z');
    expect(() => kit.state('ghost')).toThrow(SagaNotFoundError);
    expect(kit.history('ghost')).toEqual([]);
    await expect(kit.advanceTime(-1)).rejects.toThrow('invalid ms');
  });
});
