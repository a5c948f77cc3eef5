import { type ReactNode, useEffect, useState } from 'react';

import { SAGA_STATUSES, type SagaSummary } from './api-client';
import { followSagaEvents, type StreamState } from './event-stream';
import { Link } from './router';
import { SagaTable } from './saga-table';
import { useSession } from './session';
import { StatusLabel } from './status-label';
import { useApiResource, useThrottled } from './use-api-resource';

/** How often live events may refresh the counts. */
const REFRESH_INTERVAL_MS = 2000;

/**
 * Counts by status and by type (`GET /stats`), the stuck and parked sagas first
 * (`GET /sagas?stuck=true`), the dead letters and FAILED EventProcess records waiting;
 * refreshed as events arrive on the stream, at most every two seconds.
 */
export function OverviewPage(): ReactNode {
  const session = useSession();
  const stats = useApiResource((api) => api.stats(), 'stats');
  const stuck = useApiResource(
    (api) => api.listSagas({ statuses: [], sagaType: '', businessKey: '', stuck: true }, null, 20),
    'stuck',
  );
  const deadLetters = useApiResource((api) => api.deadLettersWaiting(), 'dead-letters');
  const [live, setLive] = useState<StreamState>('connecting');
  const refresh = useThrottled(() => {
    stats.reload();
    stuck.reload();
    deadLetters.reload();
  }, REFRESH_INTERVAL_MS);

  useEffect(
    () =>
      followSagaEvents(
        session.api,
        {},
        { onEvent: refresh, onState: setLive, onFatal: session.expired },
      ),
    [session, refresh],
  );

  const counts = stats.data?.counts;
  return (
    <>
      <div className="title-row">
        <h1>Overview</h1>
        <LiveBadge state={live} />
      </div>
      {stats.error === null ? null : <p className="error">{stats.error.describe()}</p>}
      <section aria-labelledby="by-status">
        <h2 id="by-status">Sagas by status</h2>
        <ul className="tiles">
          {SAGA_STATUSES.map((status) => (
            <li key={status} className="tile" data-testid={`count-${status}`}>
              <Link to={`/sagas?status=${status}`}>
                <span className="tile-count">{counts?.byStatus[status] ?? '–'}</span>
                <StatusLabel status={status} />
              </Link>
            </li>
          ))}
          <li className="tile">
            <span className="tile-count">{counts?.total ?? '–'}</span>
            <span>All sagas</span>
          </li>
        </ul>
      </section>
      <section aria-labelledby="waiting">
        <h2 id="waiting">Waiting for an operator</h2>
        <ul className="tiles">
          <li className="tile" data-testid="dead-letters">
            <span className="tile-count">
              {deadLetters.data === null
                ? '–'
                : `${deadLetters.data.count}${deadLetters.data.more ? '+' : ''}`}
            </span>
            <span>Dead letters not replayed</span>
          </li>
          <li className="tile" data-testid="failed-inbox">
            <span className="tile-count">{stats.data?.eventProcess?.failed ?? '–'}</span>
            <span>FAILED EventProcess records</span>
          </li>
        </ul>
        {deadLetters.error === null ? null : (
          <p className="error">{deadLetters.error.describe()}</p>
        )}
      </section>
      <section aria-labelledby="stuck">
        <h2 id="stuck">Stuck and parked sagas</h2>
        {stuck.error === null ? null : <p className="error">{stuck.error.describe()}</p>}
        <StuckList
          items={stuck.data?.items ?? null}
          more={(stuck.data?.nextCursor ?? null) !== null}
        />
      </section>
      <section aria-labelledby="by-type">
        <h2 id="by-type">Sagas by type</h2>
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Type</th>
                {SAGA_STATUSES.map((status) => (
                  <th scope="col" key={status}>
                    <StatusLabel status={status} />
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {Object.entries(counts?.byType ?? {}).map(([type, byStatus]) => (
                <tr key={type}>
                  <th scope="row">
                    <Link to={`/sagas?sagaType=${encodeURIComponent(type)}`}>{type}</Link>
                  </th>
                  {SAGA_STATUSES.map((status) => (
                    <td key={status} className="number">
                      {byStatus[status]}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}

function StuckList(props: {
  readonly items: readonly SagaSummary[] | null;
  readonly more: boolean;
}): ReactNode {
  if (props.items === null) return <p className="muted">Loading…</p>;
  if (props.items.length === 0) return <p className="muted">None: every saga moves.</p>;
  return (
    <>
      <SagaTable items={props.items} />
      {props.more ? <Link to="/sagas?stuck=true">All stuck and parked sagas</Link> : null}
    </>
  );
}

/** Whether the page follows the event stream. */
export function LiveBadge(props: { readonly state: StreamState }): ReactNode {
  const text = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' }[
    props.state
  ];
  return (
    <span className={`live live-${props.state}`} role="status" data-testid="live">
      {text}
    </span>
  );
}
