import { type ReactNode } from 'react';

import {
  type DefinitionGraph,
  type GraphStepNode,
  type GraphRetryPolicy,
  type SagaStepView,
} from './api-client';
import { compensationPathOf, stagesOf } from './definition-stages';
import { formatDuration } from './format';
import { StatusLabel } from './status-label';

/**
 * A definition's step graph, top to bottom: each step with its participant, command,
 * kind and compensation; parallel groups side by side; the pivot marked with the point past
 * which nothing is undone; then the compensation path. With `progress` (a saga's steps), each
 * step shows where that saga is: its status in words, attempts, and its last failure.
 *
 * @example
 * ```tsx
 * <StepGraph graph={graph} progress={saga.steps} />
 * ```
 */
export function StepGraph(props: {
  readonly graph: DefinitionGraph;
  readonly progress?: readonly SagaStepView[];
}): ReactNode {
  const { graph } = props;
  const progressOf = new Map(props.progress?.map((step) => [step.name, step]));
  const stages = stagesOf(graph);
  const undo = compensationPathOf(graph);
  return (
    <figure
      className="step-graph"
      aria-label={`Steps of ${graph.name} v${graph.version}`}
      data-testid="step-graph"
    >
      <ol className="stages">
        <li className="terminal">Start</li>
        {stages.map((stage) => {
          const pivot = (stage.kind === 'step' ? [stage.step] : stage.steps).some(
            (step) => step.kind === 'pivot',
          );
          const key = stage.kind === 'step' ? stage.step.id : `group:${stage.name}`;
          return (
            <li key={key} className={pivot ? 'stage stage-pivot' : 'stage'}>
              {stage.kind === 'step' ? (
                <StepNode step={stage.step} progress={progressOf.get(stage.step.name)} />
              ) : (
                <div className="group">
                  <span className="group-name">In parallel: {stage.name}</span>
                  <ul className="branches">
                    {stage.steps.map((step) => (
                      <li key={step.id}>
                        <StepNode step={step} progress={progressOf.get(step.name)} />
                      </li>
                    ))}
                  </ul>
                </div>
              )}
              {pivot ? (
                <p className="pivot-line">
                  Pivot: once it succeeds the saga goes forward only; nothing before it is undone.
                </p>
              ) : null}
            </li>
          );
        })}
        <li className="terminal">Completed</li>
      </ol>
      <p className="undo-path" data-testid="compensation-path">
        <strong>Compensation path</strong> (after a failure, undone in this order):{' '}
        {undo.length === 0
          ? 'nothing to undo.'
          : `${undo.map((unit) => unit.join(' ‖ ')).join(' → ')} → Compensated`}
      </p>
    </figure>
  );
}

const KIND_LABELS: Readonly<Record<GraphStepNode['kind'], string>> = {
  compensatable: 'compensatable',
  pivot: 'pivot',
  retriable: 'retried until it succeeds',
};

function StepNode(props: {
  readonly step: GraphStepNode;
  readonly progress: SagaStepView | undefined;
}): ReactNode {
  const { step, progress } = props;
  const compensation = step.compensation;
  const failure = progress?.lastFailure ?? null;
  return (
    <div className={`node node-${step.kind}`} data-step={step.name} data-status={progress?.status}>
      <div className="node-head">
        <span className="step-name">{step.name}</span>
        {progress === undefined ? null : <StatusLabel status={progress.status} />}
      </div>
      <div className="muted">
        {step.participant} · {step.command}
      </div>
      <div className="node-tags">
        <span className={`tag tag-${step.kind}`}>{KIND_LABELS[step.kind]}</span>
        {step.readOnly ? <span className="tag">read-only</span> : null}
        {step.timeoutMs === null ? null : (
          <span className="tag">timeout {formatDuration(step.timeoutMs)}</span>
        )}
      </div>
      {progress === undefined || progress.attempt === 0 ? null : (
        <div className="muted" data-testid="attempts">
          attempt {progress.attempt}
          {attemptBound(step.retry)}
          {progress.compensationAttempt > 0
            ? ` · compensation attempt ${progress.compensationAttempt}${attemptBound(compensation?.retry ?? null)}`
            : ''}
        </div>
      )}
      <div className="undo">
        {compensation === null
          ? 'No compensation'
          : `Undo: ${compensation.participant} · ${compensation.command}`}
      </div>
      {failure === null ? null : (
        <div className="failure-code">
          {failure.code ?? ''} {failure.message ?? ''}
        </div>
      )}
    </div>
  );
}

/** ` of 5` for a bounded policy; nothing for none or an unbounded one. */
function attemptBound(policy: GraphRetryPolicy | null): string {
  const bound = policy?.maxAttempts ?? null;
  return bound === null ? '' : ` of ${bound}`;
}
