import {
  type AnySagaDefinition,
  auditSagaStream,
  type SagaEvent,
  type SagaState,
} from '@sagaflow/core';

import { type ConsistencyCheck, consistencyCheck as check } from './consistency-checks';

/** One saga's stream as stored in the orchestrator's database. */
export interface StoredSagaStream {
  readonly sagaId: string;
  /** The `seq` of each event, in order. */
  readonly seqs: readonly number[];
  readonly events: readonly SagaEvent[];
  /** The stored projection (`saga_instance.state`); null when the saga has none. */
  readonly projection: SagaState | null;
}

/**
 * Checks the stored event streams, whatever happened on the way (crashes, duplicates, late
 * replies, two orchestrators racing):
 *
 * - no gap in any stream's sequence (1, 2, … n);
 * - one terminal event at most per saga (`SagaCompleted` or `SagaCompensated`), and exactly
 *   one for a saga whose projection ended;
 * - every stream holds the decider's invariants ({@link auditSagaStream}: it folds to its
 *   projection, no command dispatched twice, each step compensated once at most and in
 *   reverse order, nothing after the end).
 *
 * Pure.
 */
export function checkSagaStreams(
  definition: AnySagaDefinition,
  streams: readonly StoredSagaStream[],
): ConsistencyCheck[] {
  return [
    check('no gap in any event sequence', (problem) => {
      for (const stream of streams) {
        const gap = stream.seqs.findIndex((seq, index) => seq !== index + 1);
        if (gap !== -1)
          problem(`saga ${stream.sagaId}: event #${gap + 1} has seq ${stream.seqs[gap]}`);
      }
    }),
    check('one terminal event per ended saga', (problem) => {
      for (const stream of streams) {
        const terminal = stream.events.filter(
          (e) => e.type === 'SagaCompleted' || e.type === 'SagaCompensated',
        ).length;
        const ended =
          stream.projection?.status === 'COMPLETED' || stream.projection?.status === 'COMPENSATED';
        if (terminal > 1 || (ended && terminal !== 1)) {
          problem(
            `saga ${stream.sagaId} (${stream.projection?.status ?? 'no projection'}) has ${terminal} terminal events`,
          );
        }
      }
    }),
    check('every stream holds the decider invariants', (problem) => {
      for (const stream of streams) {
        for (const violation of auditSagaStream(definition, stream.events, stream.projection)) {
          problem(`saga ${stream.sagaId}: ${violation.invariant}: ${violation.detail}`);
        }
      }
    }),
  ];
}
