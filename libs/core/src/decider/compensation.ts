import { nodeSteps } from '../definition/saga-definition';
import { type CompensationStarted } from '../model/saga-event';
import { SagaStatus } from '../model/saga-status';
import { type DecisionBuilder } from './decision-builder';
import { compensableNodesLastFirst } from './definition-lookup';

/**
 * Starts compensating: records why and what, then dispatches the first compensations.
 * Forward retries still pending are cancelled by the event; forward attempts in flight are
 * waited for.
 */
export function startCompensation(b: DecisionBuilder, cause: CompensationStarted['cause']): void {
  const toCompensate: string[] = [];
  const awaiting: string[] = [];
  for (const node of compensableNodesLastFirst(b.definition)) {
    for (const step of nodeSteps(node)) {
      const state = b.state.steps[step.name];
      if (state === undefined || step.compensation === null) continue;
      if (state.status === 'RUNNING') awaiting.push(step.name);
      else if (state.mayHaveApplied) toCompensate.push(step.name);
    }
  }
  b.emit({ type: 'CompensationStarted', cause, toCompensate, awaiting });
  advanceCompensation(b);
}

/**
 * Moves compensation on. Nodes are undone one at a time, last first; a node is settled
 * when none of its steps has anything in flight and each step that may have applied and
 * has a compensation is compensated. In the last unsettled node every such step not yet
 * being compensated is dispatched (all the completed branches of a group at once). When
 * every node is settled the saga is compensated — unless it is parked, which only an
 * operator ends.
 */
export function advanceCompensation(b: DecisionBuilder): void {
  for (const node of compensableNodesLastFirst(b.definition)) {
    let settled = true;
    for (const step of nodeSteps(node)) {
      const state = b.state.steps[step.name];
      if (state === undefined) continue;
      switch (state.status) {
        case 'SUCCEEDED':
        case 'FAILED':
          if (state.mayHaveApplied && step.compensation !== null) {
            b.dispatchCompensation(step, state.compensationAttempt + 1);
            settled = false;
          }
          break;
        case 'PENDING':
        case 'COMPENSATED':
          break;
        default:
          settled = false;
      }
    }
    if (!settled) return;
  }
  if (b.state.status === SagaStatus.Compensating) b.emit({ type: 'SagaCompensated' });
}
