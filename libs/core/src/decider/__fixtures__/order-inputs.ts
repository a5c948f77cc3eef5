import { type Direction } from '../../model/saga-command';
import { type SagaTimer } from '../../model/saga-timer';
import { failureReply, SPEC_EPOCH, startInput, successReply } from '../../testing/saga-spec';
import { ORDER_INPUT } from './place-order';

/** The inputs of saga `s-1` of {@link placeOrder} that the decider specs share. */
export const start = startInput('s-1', ORDER_INPUT);
export const orderCreated = successReply(
  { sagaId: 's-1', step: 'create-order' },
  { status: 'PENDING' },
);
export const credit = { sagaId: 's-1', step: 'reserve-credit' } as const;
export const stock = { sagaId: 's-1', step: 'reserve-stock' } as const;
export const pivot = { sagaId: 's-1', step: 'approve-order' } as const;

/** What a compensation reply answers: `step`'s compensation, attempt `attempt`. */
export const undo = (step: string, attempt = 1) =>
  ({ sagaId: 's-1', step, direction: 'compensation', attempt }) as const;

/** The ISO time `ms` after {@link SPEC_EPOCH}. */
export const iso = (ms: number): string => new Date(SPEC_EPOCH.getTime() + ms).toISOString();

/** A timer of saga `s-1`, due `dueMs` after {@link SPEC_EPOCH}. */
export function timer(
  step: string,
  attempt: number,
  purpose: 'timeout' | 'retry',
  dueMs: number,
  direction: Direction,
): SagaTimer {
  return {
    timerId: `s-1.${step}.${direction === 'forward' ? 'f' : 'c'}.${attempt}.${purpose}`,
    sagaId: 's-1',
    step,
    direction,
    attempt,
    purpose,
    dueAt: iso(dueMs),
  };
}

/** create-order and both branches succeeded, then the pivot refused: the group is undone. */
export const compensatingGroup = [
  start,
  orderCreated,
  successReply(credit, { reservationId: 'r-1' }),
  successReply(stock),
  failureReply(pivot, 'business'),
];
