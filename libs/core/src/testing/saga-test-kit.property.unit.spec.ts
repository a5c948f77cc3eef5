import fc from 'fast-check';
import { z } from 'zod';
import { defineSaga } from '../definition/define-saga';
import { nodeSteps } from '../definition/saga-definition';
import { foldEvents } from '../decider/evolve';
import { type SagaEvent } from '../model/saga-event';
import { type ParticipantHandler, type ParticipantHandlers } from './participant-handler';
import { createSagaTestKit, type SagaTestKit } from './saga-test-kit';

// The whole runtime (engine, in-memory stores, idempotent participants) under any mix of
// delayed, duplicated, reordered and lost messages: every saga must end in a state that
// matches what the participants actually did, and park only on a definitive failure.

const trip = defineSaga('trip', { version: 1, input: z.object({ id: z.string() }) })
  .step('book-flight', (s) =>
    s
      .invoke('air', 'Book', (d) => ({ id: d.id }))
      .compensate('air', 'Cancel', (d) => ({ id: d.id }), {
        retry: { maxAttempts: 3, initialDelayMs: 200 },
        timeoutMs: 1_000,
      })
      .retry({ maxAttempts: 3, initialDelayMs: 200 })
      .timeout(1_000),
  )
  .parallel('stay', (g) =>
    g
      .branch('book-hotel', (s) =>
        s
          .invoke('hotel', 'Book', (d) => ({ id: d.id }))
          .compensate('hotel', 'Cancel', (d) => ({ id: d.id }), {
            retry: { maxAttempts: 3, initialDelayMs: 200 },
            timeoutMs: 1_000,
          })
          .retry({ maxAttempts: 2, initialDelayMs: 200 })
          .timeout(1_500),
      )
      .branch('rent-car', (s) =>
        s
          .invoke('cars', 'Rent', (d) => ({ id: d.id }))
          .compensate('cars', 'Return', (d) => ({ id: d.id }), {
            retry: { maxAttempts: 3, initialDelayMs: 200 },
            timeoutMs: 1_000,
          })
          .timeout(1_000),
      ),
  )
  .pivot('charge', (s) =>
    s
      .invoke('bank', 'Charge', (d) => ({ id: d.id }))
      .retry({ maxAttempts: 2, initialDelayMs: 200 })
      .timeout(1_000),
  )
  .retriable('notify', (s) =>
    s
      .invoke('mail', 'Send', (d) => ({ id: d.id }))
      .retry({ initialDelayMs: 200 })
      .timeout(1_000),
  )
  .build();

/** Every (participant, command) of the saga, with its step and direction. */
const COMMANDS = [
  { participant: 'air', command: 'Book', step: 'book-flight', forward: true },
  { participant: 'air', command: 'Cancel', step: 'book-flight', forward: false },
  { participant: 'hotel', command: 'Book', step: 'book-hotel', forward: true },
  { participant: 'hotel', command: 'Cancel', step: 'book-hotel', forward: false },
  { participant: 'cars', command: 'Rent', step: 'rent-car', forward: true },
  { participant: 'cars', command: 'Return', step: 'rent-car', forward: false },
  { participant: 'bank', command: 'Charge', step: 'charge', forward: true },
  { participant: 'mail', command: 'Send', step: 'notify', forward: true },
] as const;
const COMPENSATABLE = ['book-flight', 'book-hotel', 'rent-car'];

type Fault =
  | { readonly kind: 'fail'; readonly times: number; readonly business: boolean }
  | { readonly kind: 'drop-command' | 'drop-reply' | 'duplicate-commands' | 'duplicate-replies' }
  | { readonly kind: 'delay'; readonly ms: number };

const faultArb: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({
    kind: fc.constant('fail' as const),
    times: fc.integer({ min: 1, max: 3 }),
    business: fc.boolean(),
  }),
  fc.record({
    kind: fc.constantFrom(
      'drop-command' as const,
      'drop-reply' as const,
      'duplicate-commands' as const,
      'duplicate-replies' as const,
    ),
  }),
  // Up to several times the step timeouts: replies arrive after their attempt gave up.
  fc.record({ kind: fc.constant('delay' as const), ms: fc.integer({ min: 0, max: 6_000 }) }),
);

const scenarioArb = fc.record({
  faults: fc.array(
    fc.record({ target: fc.integer({ min: 0, max: COMMANDS.length - 1 }), fault: faultArb }),
    { maxLength: 8 },
  ),
  sagas: fc.integer({ min: 1, max: 3 }),
  seed: fc.nat(),
  /** How long the faults stay armed before they are reset, in ms of the kit's clock. */
  faultyMs: fc.integer({ min: 0, max: 20_000 }),
});

/** What each participant did, per saga and step: +1 for an apply, -1 for an undo. */
class Ledger {
  readonly effects = new Map<string, number>();
  readonly runs = new Map<string, number>();

  handler(step: string, forward: boolean): ParticipantHandler {
    return (_payload, context) => {
      const key = `${context.sagaId}/${step}`;
      const run = `${key}/${forward ? 'f' : 'c'}`;
      this.runs.set(run, (this.runs.get(run) ?? 0) + 1);
      this.effects.set(key, (this.effects.get(key) ?? 0) + (forward ? 1 : -1));
      return {};
    };
  }

  effect(sagaId: string, step: string): number {
    return this.effects.get(`${sagaId}/${step}`) ?? 0;
  }
}

function participantsOf(ledger: Ledger): ParticipantHandlers {
  const handlers: Record<string, Record<string, ParticipantHandler>> = {};
  for (const { participant, command, step, forward } of COMMANDS) {
    handlers[participant] = {
      ...handlers[participant],
      [command]: ledger.handler(step, forward),
    };
  }
  return handlers;
}

function arm(kit: SagaTestKit, faults: readonly { target: number; fault: Fault }[]): void {
  for (const { target, fault } of faults) {
    const { participant, command } = COMMANDS[target] ?? COMMANDS[0];
    const controller = kit.faults(participant, command);
    switch (fault.kind) {
      case 'fail':
        controller.failTimes(fault.times, {
          kind: fault.business ? 'business' : 'technical',
        });
        break;
      case 'drop-command':
        controller.dropNext();
        break;
      case 'drop-reply':
        controller.dropNextReply();
        break;
      case 'duplicate-commands':
        controller.duplicateCommands();
        break;
      case 'duplicate-replies':
        controller.duplicateReplies();
        break;
      case 'delay':
        controller.delayReplies(fault.ms);
        break;
    }
  }
}

function disarm(kit: SagaTestKit): void {
  for (const { participant, command } of COMMANDS) kit.faults(participant, command).reset();
}

const ENDED = ['COMPLETED', 'COMPENSATED'];

/** Runs the kit until every saga ended, or parked with nothing left in flight. */
async function settle(kit: SagaTestKit, sagaIds: readonly string[]): Promise<void> {
  for (let round = 0; round < 2_000; round += 1) {
    const settled = sagaIds.every((id) => {
      const { status, pendingTimers } = kit.state(id);
      return (
        ENDED.includes(status) ||
        (status === 'COMPENSATION_FAILED' && pendingTimers.length === 0 && kit.inFlight() === 0)
      );
    });
    if (settled) return;
    await kit.advanceTime(500);
  }
  throw new Error('the sagas did not settle');
}

function checkStream(events: readonly SagaEvent[]): void {
  const dispatched = events.flatMap((e) => (e.type === 'CommandDispatched' ? [e.messageId] : []));
  expect(new Set(dispatched).size).toBe(dispatched.length);
  const compensated = events.flatMap((e) => (e.type === 'StepCompensated' ? [e.step] : []));
  expect(new Set(compensated).size).toBe(compensated.length);
  // Reverse order: no compensation of an earlier node is dispatched before every later
  // node's compensations ended.
  const nodeOf = new Map<string, number>();
  trip.nodes.forEach((node, index) => {
    for (const step of nodeSteps(node)) nodeOf.set(step.name, index);
  });
  events.forEach((event, index) => {
    if (event.type !== 'CommandDispatched' || event.direction !== 'compensation') return;
    const node = nodeOf.get(event.step) ?? -1;
    for (const later of events.slice(index)) {
      if (later.type === 'StepCompensated') {
        expect(nodeOf.get(later.step) ?? -1).toBeLessThanOrEqual(node);
      }
    }
  });
}

describe('the runtime against idempotent participants, property-based', () => {
  it('ends every saga in the state the participants’ effects say, parking only on a definitive failure', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ faults, sagas, seed, faultyMs }) => {
        const ledger = new Ledger();
        const kit = createSagaTestKit({
          definitions: [trip],
          participants: participantsOf(ledger),
          maxSteps: 50_000,
        });
        kit.deliveryOrder('random', seed);
        arm(kit, faults);
        const sagaIds: string[] = [];
        for (let index = 0; index < sagas; index += 1) {
          const { sagaId } = await kit.start('trip', { id: `t-${index}` });
          sagaIds.push(sagaId);
        }
        await kit.advanceTime(faultyMs);
        disarm(kit);
        await settle(kit, sagaIds);

        for (const sagaId of sagaIds) {
          const state = kit.state(sagaId);
          const events = kit.history(sagaId);
          expect(foldEvents(events)).toEqual(state);
          checkStream(events);
          for (const run of ledger.runs.keys()) {
            if (run.startsWith(`${sagaId}/`)) expect(ledger.runs.get(run)).toBe(1);
          }
          switch (state.status) {
            case 'COMPLETED':
              for (const step of trip.stepOrder) expect(ledger.effect(sagaId, step)).toBe(1);
              break;
            case 'COMPENSATED':
              for (const step of [...COMPENSATABLE, 'charge', 'notify']) {
                expect(ledger.effect(sagaId, step)).toBe(0);
              }
              break;
            default: {
              // Parked: only a compensation that definitively failed parks a saga.
              expect(state.status).toBe('COMPENSATION_FAILED');
              const failures = events.flatMap((e) =>
                e.type === 'CompensationFailed' ? [e.failure] : [],
              );
              expect(failures.length).toBeGreaterThan(0);
              for (const failure of failures) {
                expect(failure.kind).not.toBe('timeout');
                expect(failure.code).toMatch(/^INJECTED_/);
              }
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
