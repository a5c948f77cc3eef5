import { type ReactNode } from 'react';

import { type DefinitionSummary, type GraphStepNode, type GraphRetryPolicy } from './api-client';
import { ResourceData, ResourceError } from './api-resource-view';
import { Link } from './router';
import { stagesOf } from './definition-stages';
import { formatDuration } from './format';
import { StepGraph } from './step-graph';
import { useApiResource } from './use-api-resource';

/**
 * Every registered saga type and version (`GET /definitions`), each with its step graph:
 * forward path, parallel groups, pivot and compensation path, and each step's retry policy
 * and timeouts.
 */
export function DefinitionsPage(): ReactNode {
  const definitions = useApiResource((api) => api.definitions(), 'definitions');
  return (
    <>
      <h1>Definitions</h1>
      <ResourceError resource={definitions} />
      <ResourceData
        resource={definitions}
        empty={{
          when: (data) => data.length === 0,
          text: 'The orchestrator has no saga definition registered.',
        }}
      >
        {(data) =>
          data.map((definition) => (
            <Definition key={`${definition.name}/${definition.version}`} definition={definition} />
          ))
        }
      </ResourceData>
    </>
  );
}

function Definition(props: { readonly definition: DefinitionSummary }): ReactNode {
  const { name, version, description } = props.definition;
  const graph = useApiResource((api) => api.definitionGraph(name, version), `${name}/${version}`);
  const id = `definition-${name}-${version}`;
  return (
    <section
      aria-labelledby={id}
      className="card definition"
      data-definition={`${name}/${version}`}
    >
      <h2 id={id}>
        {name} <span className="muted">v{version}</span>
      </h2>
      {description === null ? null : <p>{description}</p>}
      <p>
        <Link to={`/sagas?sagaType=${encodeURIComponent(name)}`}>Sagas of this type</Link>
      </p>
      {graph.error === null ? null : <p className="error">{graph.error.describe()}</p>}
      {graph.data === null ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <StepGraph graph={graph.data} />
          <Policies
            steps={stagesOf(graph.data).flatMap((stage) =>
              stage.kind === 'step' ? [stage.step] : stage.steps,
            )}
          />
        </>
      )}
    </section>
  );
}

/** Each step's retry policy and timeouts, forward and compensation. */
function Policies(props: { readonly steps: readonly GraphStepNode[] }): ReactNode {
  return (
    <details>
      <summary>Retry policies and timeouts</summary>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">Attempts</th>
              <th scope="col">Timeout</th>
              <th scope="col">Compensation attempts</th>
              <th scope="col">Compensation timeout</th>
            </tr>
          </thead>
          <tbody>
            {props.steps.map((step) => (
              <tr key={step.id}>
                <th scope="row">{step.name}</th>
                <td>{describePolicy(step.retry)}</td>
                <td>{step.timeoutMs === null ? 'none' : formatDuration(step.timeoutMs)}</td>
                <td>
                  {step.compensation === null ? '–' : describePolicy(step.compensation.retry)}
                </td>
                <td>
                  {step.compensation === null
                    ? '–'
                    : step.compensation.timeoutMs === null
                      ? 'none'
                      : formatDuration(step.compensation.timeoutMs)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** `5, back-off 500 ms ×2 up to 30 s`; `1` for no retry; `until it succeeds, …` for no bound. */
function describePolicy(policy: GraphRetryPolicy | null): string {
  if (policy === null) return '1 (no retry)';
  const attempts = policy.maxAttempts === null ? 'until it succeeds' : String(policy.maxAttempts);
  return `${attempts}, back-off ${formatDuration(policy.initialDelayMs)} ×${policy.multiplier} up to ${formatDuration(policy.maxDelayMs)}`;
}
