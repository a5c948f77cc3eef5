import { type ReactNode, useEffect, useState } from 'react';

import {
  ApiError,
  type DefinitionGraph,
  type SagaAction,
  type SagaHistoryEvent,
  type SagaView,
} from './api-client';
import { ResourceData, ResourceError } from './api-resource-view';
import { followSagaEvents, type StreamState } from './event-stream';
import { LiveBadge } from './overview-page';
import { formatDuration, formatTime } from './format';
import { ReasonedConfirmation, type SendResult } from './reasoned-confirmation';
import { useSession } from './session';
import { StatusLabel } from './status-label';
import { StepGraph } from './step-graph';
import { type ApiResource, useApiResource, useThrottled } from './use-api-resource';

/** How often live events may reload the saga. */
const REFRESH_INTERVAL_MS = 500;

/** The actions each status allows, with what they do. */
const ACTIONS_BY_STATUS: Readonly<Record<string, readonly { action: SagaAction; what: string }[]>> =
  {
    RUNNING: [
      { action: 'retry-step', what: 'Send the active step again (a new attempt)' },
      { action: 'abort', what: 'Stop going forward and compensate the steps done' },
    ],
    COMPENSATION_FAILED: [
      {
        action: 'retry-compensation',
        what: 'Try the failed compensation again, with a fresh retry budget',
      },
      { action: 'resolve', what: 'Mark it compensated: the repair was done by hand' },
    ],
  };

/**
 * One saga: its state, its definition's step graph with this saga's progress drawn on it,
 * its pending timers, its data, the event timeline with payloads, and the admin actions its
 * status allows (for operators). Follows the saga's events on the stream and reloads as it
 * moves.
 */
export function SagaDetailPage(props: { readonly sagaId: string }): ReactNode {
  const session = useSession();
  const { sagaId } = props;
  const saga = useApiResource((api) => api.getSaga(sagaId), sagaId);
  const history = useApiResource((api) => api.getEvents(sagaId), sagaId);
  const [live, setLive] = useState<StreamState>('connecting');
  const refresh = useThrottled(() => {
    saga.reload();
    history.reload();
  }, REFRESH_INTERVAL_MS);

  useEffect(
    () =>
      followSagaEvents(
        session.api,
        { sagaId },
        { onEvent: refresh, onState: setLive, onFatal: session.expired },
      ),
    [session, sagaId, refresh],
  );

  return (
    <>
      <div className="title-row">
        <h1>
          Saga <span className="mono">{sagaId}</span>
        </h1>
        <LiveBadge state={live} />
      </div>
      <ResourceError resource={saga} />
      <ResourceData resource={saga}>
        {(view) => (
          <>
            <Summary view={view} />
            {session.mayAct ? <Actions view={view} onDone={refresh} /> : null}
            <StepsOf view={view} />
            <Timers view={view} />
            <section aria-labelledby="data">
              <h2 id="data">Data</h2>
              <pre className="payload">{JSON.stringify(view.data, null, 2)}</pre>
            </section>
          </>
        )}
      </ResourceData>
      <section aria-labelledby="timeline">
        <h2 id="timeline">Timeline</h2>
        {history.error === null ? null : <p className="error">{history.error.describe()}</p>}
        {history.data === null ? null : <Timeline events={history.data} />}
      </section>
    </>
  );
}

function Summary(props: { readonly view: SagaView }): ReactNode {
  const { view } = props;
  return (
    <dl className="summary card">
      <dt>Status</dt>
      <dd data-testid="saga-status">
        <StatusLabel status={view.status} />
      </dd>
      <dt>Type</dt>
      <dd>
        {view.sagaType} v{view.sagaVersion}
      </dd>
      <dt>Business key</dt>
      <dd className="mono">{view.businessKey ?? '–'}</dd>
      <dt>Version</dt>
      <dd data-testid="saga-version">{view.version}</dd>
      <dt>Started</dt>
      <dd>{formatTime(view.startedAt)}</dd>
      <dt>Last change</dt>
      <dd>{formatTime(view.updatedAt)}</dd>
      {view.endedAt === null ? null : (
        <>
          <dt>Ended</dt>
          <dd>{formatTime(view.endedAt)}</dd>
        </>
      )}
      {view.failure === null ? null : (
        <>
          <dt>Failure</dt>
          <dd>
            <strong>{view.failure.code}</strong>
            {view.failure.step === null ? '' : ` at ${view.failure.step}`}: {view.failure.message}
          </dd>
        </>
      )}
    </dl>
  );
}

/** The saga's steps on its definition's graph; a plain list while it loads or when it is gone. */
function StepsOf(props: { readonly view: SagaView }): ReactNode {
  const { sagaType, sagaVersion } = props.view;
  const graph: ApiResource<DefinitionGraph> = useApiResource(
    (api) => api.definitionGraph(sagaType, sagaVersion),
    `${sagaType}/${sagaVersion}`,
  );
  return (
    <section aria-labelledby="steps">
      <h2 id="steps">Steps</h2>
      {graph.error === null ? null : (
        <p className="muted">
          The graph of {sagaType} v{sagaVersion} cannot be shown: {graph.error.describe()}
        </p>
      )}
      {graph.data === null ? (
        <StepList view={props.view} />
      ) : (
        <StepGraph graph={graph.data} progress={props.view.steps} />
      )}
    </section>
  );
}

/** The steps as a list, for a saga whose definition version is not registered here. */
function StepList(props: { readonly view: SagaView }): ReactNode {
  return (
    <ol className="steps">
      {props.view.steps.map((step) => (
        <li key={step.name} className="step" data-step={step.name}>
          <span className="step-name">{step.name}</span>
          <StatusLabel status={step.status} />
          <span className="muted">
            {step.participant ?? ''}
            {step.attempt > 1 ? ` · attempt ${step.attempt}` : ''}
            {step.compensationAttempt > 0
              ? ` · compensation attempt ${step.compensationAttempt}`
              : ''}
            {step.kind === 'pivot' ? ' · pivot' : ''}
          </span>
          {step.lastFailure === null ? null : (
            <span className="failure-code">
              {step.lastFailure.code ?? ''} {step.lastFailure.message ?? ''}
            </span>
          )}
        </li>
      ))}
    </ol>
  );
}

/** The timers the saga waits on: reply deadlines and retry back-offs, soonest first. */
function Timers(props: { readonly view: SagaView }): ReactNode {
  const timers = [...props.view.pendingTimers].sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  if (timers.length === 0) return null;
  const now = Date.now();
  return (
    <section aria-labelledby="timers">
      <h2 id="timers">Timers</h2>
      <div className="table-scroll">
        <table data-testid="timers">
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">What</th>
              <th scope="col">Attempt</th>
              <th scope="col">Due</th>
            </tr>
          </thead>
          <tbody>
            {timers.map((timer) => {
              const inMs = Date.parse(timer.dueAt) - now;
              return (
                <tr key={timer.timerId}>
                  <td>{timer.step}</td>
                  <td>
                    {timer.purpose === 'timeout' ? 'reply deadline' : 'retry'}
                    {timer.direction === 'compensation' ? ' (compensation)' : ''}
                  </td>
                  <td className="number">{timer.attempt}</td>
                  <td>
                    <time dateTime={timer.dueAt}>{formatTime(timer.dueAt)}</time>{' '}
                    <span className="muted">
                      {inMs > 0 ? `in ${formatDuration(inMs)}` : 'due now'}
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Timeline(props: { readonly events: readonly SagaHistoryEvent[] }): ReactNode {
  return (
    <ol className="timeline" data-testid="timeline">
      {props.events.map((entry) => (
        <li key={entry.seq}>
          <details>
            <summary>
              <span className="seq">#{entry.seq}</span> <strong>{entry.type}</strong>{' '}
              <time dateTime={entry.recordedAt}>{formatTime(entry.recordedAt)}</time>
            </summary>
            <pre className="payload">{JSON.stringify(entry.event, null, 2)}</pre>
          </details>
        </li>
      ))}
    </ol>
  );
}

/** The actions the saga's status allows: pick one, give a reason, confirm, send. */
function Actions(props: { readonly view: SagaView; readonly onDone: () => void }): ReactNode {
  const session = useSession();
  const { view } = props;
  const [chosen, setChosen] = useState<SagaAction | null>(null);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  // The version the operator looked at when choosing: sent as expectedVersion.
  const [version, setVersion] = useState(view.version);
  const available = ACTIONS_BY_STATUS[view.status] ?? [];
  // Kept while an action is chosen or its outcome shown, even once the status allows none.
  if (available.length === 0 && chosen === null && outcome === null) return null;

  const send = async (action: SagaAction, reason: string): Promise<SendResult> => {
    try {
      await session.api.act(view.sagaId, action, reason, version);
      setOutcome({ ok: true, text: `${action} sent with reason “${reason}”.` });
      setChosen(null);
      props.onDone();
      return 'done';
    } catch (caught: unknown) {
      if (caught instanceof ApiError && caught.status === 401) {
        session.expired(caught);
        return 'done';
      }
      const text =
        caught instanceof ApiError && caught.status === 409
          ? `Refused: ${caught.describe()}. The saga changed or does not allow it now; look at it again before acting.`
          : caught instanceof ApiError
            ? `Failed: ${caught.describe()}`
            : String(caught);
      setOutcome({ ok: false, text });
      return 'edit';
    }
  };

  return (
    <section aria-labelledby="actions" className="card">
      <h2 id="actions">Actions</h2>
      {outcome === null ? null : (
        <p className={outcome.ok ? 'ok' : 'error'} role="alert">
          {outcome.text}
        </p>
      )}
      {chosen === null ? (
        <div className="action-buttons">
          {available.map(({ action, what }) => (
            <button
              type="button"
              key={action}
              title={what}
              onClick={() => {
                setChosen(action);
                setVersion(view.version);
                setOutcome(null);
              }}
            >
              {action}
            </button>
          ))}
        </div>
      ) : (
        <ReasonedConfirmation
          key={chosen}
          reasonLabel={`Reason for ${chosen} (recorded in the saga's history)`}
          confirmLabel={`Confirm ${chosen}`}
          question={(reason) => (
            <>
              Send <strong>{chosen}</strong> to saga <span className="mono">{view.sagaId}</span> as
              seen at version {version}, with the reason “{reason}”?
            </>
          )}
          onSend={(reason) => send(chosen, reason)}
          onCancel={() => {
            setChosen(null);
          }}
        />
      )}
    </section>
  );
}
