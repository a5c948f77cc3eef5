import { type StepDefinition, nodeSteps } from '../definition/saga-definition';
import { SagaStatus } from '../model/saga-status';
import { advanceCompensation } from './compensation';
import { type DecisionBuilder } from './decision-builder';
import { nodeIndexOf } from './definition-lookup';

/** Dispatches the first attempt of every step of node `index`, or completes the saga. */
export function dispatchNode(b: DecisionBuilder, index: number): void {
  const node = b.definition.nodes[index];
  if (node === undefined) {
    b.emit({ type: 'SagaCompleted' });
    return;
  }
  for (const step of nodeSteps(node)) b.dispatchForward(step, 1);
}

/**
 * After a forward step succeeded: a running saga moves to the next node once every step
 * of this one succeeded; a compensating saga goes on compensating (the step it waited for
 * now needs undoing too).
 */
export function continueAfterSuccess(b: DecisionBuilder, step: StepDefinition): void {
  if (b.state.status !== SagaStatus.Running) {
    advanceCompensation(b);
    return;
  }
  const index = nodeIndexOf(b.definition, step);
  const node = b.definition.nodes[index];
  const done =
    node !== undefined &&
    nodeSteps(node).every((candidate) => b.state.steps[candidate.name]?.status === 'SUCCEEDED');
  if (done) dispatchNode(b, index + 1);
}
