import { type Direction } from '../model/saga-command';
import { type TimerPurpose } from '../model/saga-timer';

/** `f` for forward, `c` for compensation. */
function directionCode(direction: Direction): string {
  return direction === 'forward' ? 'f' : 'c';
}

/**
 * The deterministic message id of a command: `<sagaId>.<step>.<f|c>.<attempt>`. The same
 * attempt always gets the same id, so the outbox and the participants' EventProcess table discard a
 * command emitted twice.
 *
 * @example
 * ```ts
 * commandMessageId('s-1', 'reserve-credit', 'compensation', 2); // 's-1.reserve-credit.c.2'
 * ```
 */
export function commandMessageId(
  sagaId: string,
  step: string,
  direction: Direction,
  attempt: number,
): string {
  return `${sagaId}.${step}.${directionCode(direction)}.${attempt}`;
}

/**
 * The deterministic id of a timer: `<sagaId>.<step>.<f|c>.<attempt>.<purpose>`; a
 * scheduler can use it as its job id. For a retry timer, `attempt` is the attempt it will
 * dispatch.
 *
 * @example
 * ```ts
 * timerId('s-1', 'approve-order', 'forward', 1, 'timeout'); // 's-1.approve-order.f.1.timeout'
 * ```
 */
export function timerId(
  sagaId: string,
  step: string,
  direction: Direction,
  attempt: number,
  purpose: TimerPurpose,
): string {
  return `${commandMessageId(sagaId, step, direction, attempt)}.${purpose}`;
}
