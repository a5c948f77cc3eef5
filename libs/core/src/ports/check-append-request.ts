import { checkInteger } from '../engine/argument-checks';
import { InvalidArgumentError } from '../engine/invalid-argument-error';
import { type AppendRequest } from './event-store';

/**
 * Checks an {@link AppendRequest} before an event store writes anything: `expectedVersion`
 * is an integer ≥ 0, there is at least one event, and `state` is the saga's state after
 * them (same saga id, version `expectedVersion + events.length`). Every `EventStore`
 * adapter calls it first, so they refuse the same requests with the same errors.
 *
 * @throws InvalidArgumentError naming the field that is wrong.
 *
 * @example
 * ```ts
 * async append(request: AppendRequest): Promise<void> {
 *   checkAppendRequest(request);
 *   await this.write(request);
 * }
 * ```
 */
export function checkAppendRequest(request: AppendRequest): void {
  const { sagaId, expectedVersion, events, state } = request;
  checkInteger('expectedVersion', expectedVersion, 0);
  if (events.length === 0) {
    throw new InvalidArgumentError('events', events, 'an append needs at least one event');
  }
  if (state.sagaId !== sagaId || state.version !== expectedVersion + events.length) {
    throw new InvalidArgumentError(
      'state',
      { sagaId: state.sagaId, version: state.version },
      `must be saga '${sagaId}' at version ${expectedVersion + events.length}`,
    );
  }
}
