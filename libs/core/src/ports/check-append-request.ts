import { checkInteger } from '../errors/validation';
import { InvalidArgumentError } from '../errors/errors';
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

/**
 * Checks the requests of an `appendBatch`: each one as {@link checkAppendRequest} does, at
 * least one, none a first append, and the requests of one saga consecutive and chained
 * (each at the version the previous one leaves).
 *
 * @throws InvalidArgumentError naming the field that is wrong.
 */
export function checkAppendBatch(requests: readonly AppendRequest[]): void {
  if (requests.length === 0) {
    throw new InvalidArgumentError('requests', requests, 'a batch needs at least one request');
  }
  const done = new Set<string>();
  let previous: AppendRequest | undefined;
  for (const request of requests) {
    checkAppendRequest(request);
    if (request.expectedVersion === 0) {
      throw new InvalidArgumentError(
        'expectedVersion',
        0,
        `saga '${request.sagaId}' starts with append, not in a batch`,
      );
    }
    if (previous?.sagaId === request.sagaId) {
      if (request.expectedVersion !== previous.state.version) {
        throw new InvalidArgumentError(
          'expectedVersion',
          request.expectedVersion,
          `must be ${previous.state.version}, the version the previous request of saga '${request.sagaId}' leaves`,
        );
      }
    } else {
      if (previous !== undefined) done.add(previous.sagaId);
      if (done.has(request.sagaId)) {
        throw new InvalidArgumentError(
          'requests',
          request.sagaId,
          'must keep the requests of one saga next to each other',
        );
      }
    }
    previous = request;
  }
}
