import { type ReactNode, useEffect, useState } from 'react';

import { ALL_SAGAS, SAGA_STATUSES, type SagaFilters, type SagaSummary } from './api-client';
import { followSagaEvents, type StreamedSagaEvent, type StreamState } from './event-stream';
import { Link, navigate } from './router';
import { chartWindowOf, SagaTimelineCharts } from './saga-timeline-charts';
import { SagaTable } from './saga-table';
import { useSession } from './session';
import { StatusLabel } from './status-label';
import { useApiResource, useThrottled } from './use-api-resource';

/** How often live events may refresh the counts and charts. */
const REFRESH_INTERVAL_MS = 2000;
/**
 * How often they are refreshed without events: the API caches statistics for a few seconds,
 * so the refresh after the last event may read the figures from before it; and the charts'
 * window moves on.
 */
const QUIET_REFRESH_MS = 10_000;
/** The stuck and parked sagas, the one without a change for longest first. */
const LONGEST_STUCK_FIRST: SagaFilters = {
  ...ALL_SAGAS,
  stuck: true,
  sort: 'updated',
  order: 'asc',
};
/** How many of the sagas that moved last the overview lists. */
const RECENT_SAGAS = 10;

/**
 * Counts by status and by type (`GET /stats`), the stuck and parked sagas first
 * (`GET /sagas?stuck=true`), the dead letters and FAILED EventProcess records waiting,
 * throughput and duration charts over the window in the URL (`?window=15`), and the latest
 * saga events as they happen; refreshed as events arrive on the stream (at most every two
 * seconds), and every ten seconds.
 */
export function OverviewPage(props: { readonly search: URLSearchParams }): ReactNode {
  const session = useSession();
  const window = chartWindowOf(props.search);
  const stats = useApiResource((api) => api.stats(), 'stats');
  const timeline = useApiResource(
    (api) => api.statsTimeline(window.minutes, window.bucketSeconds),
    `timeline-${window.minutes}`,
  );
  const [recent, setRecent] = useState<readonly StreamedSagaEvent[]>([]);
  const stuck = useApiResource((api) => api.listSagas(LONGEST_STUCK_FIRST, null, 20), 'stuck');
  const deadLetters = useApiResource((api) => api.deadLettersWaiting(), 'dead-letters');
  const [live, setLive] = useState<StreamState>('connecting');
  const refresh = useThrottled(() => {
    stats.reload();
    stuck.reload();
    deadLetters.reload();
    timeline.reload();
  }, REFRESH_INTERVAL_MS);

  useEffect(
    () =>
      followSagaEvents(
        session.api,
        {},
        {
          onEvent: (event) => {
            setRecent((latest) =>
              [event, ...latest.filter((seen) => seen.sagaId !== event.sagaId)].slice(
                0,
                RECENT_SAGAS,
              ),
            );
            refresh();
          },
          onState: setLive,
          onFatal: session.expired,
        },
      ),
    [session, refresh],
  );
  useEffect(() => {
    const timer = setInterval(refresh, QUIET_REFRESH_MS);
    return () => {
      clearInterval(timer);
    };
  }, [refresh]);

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
            <Link to="/dead-letters?replayed=false">Dead letters not replayed</Link>
          </li>
          <li className="tile" data-testid="failed-event-process">
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
      <SagaTimelineCharts
        timeline={timeline}
        window={window}
        onWindow={(chosen) => {
          navigate(`/?window=${chosen.minutes}`, { replace: true });
        }}
      />
      <section aria-labelledby="recent">
        <h2 id="recent">Sagas moving now</h2>
        <RecentEvents events={recent} />
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
      {props.more ? (
        <Link to="/sagas?stuck=true&sort=updated&order=asc">All stuck and parked sagas</Link>
      ) : null}
    </>
  );
}

/**
 * The sagas that moved last, each with its latest event, the one that moved last first, in a
 * box of fixed height: arrivals do not push the page down.
 */
function RecentEvents(props: { readonly events: readonly StreamedSagaEvent[] }): ReactNode {
  return (
    <ol className="recent card" data-testid="recent-events" aria-live="off">
      {props.events.length === 0 ? (
        <li className="muted">No saga has moved since this page opened.</li>
      ) : (
        props.events.map((event) => (
          <li key={event.sagaId} data-saga-id={event.sagaId}>
            <Link to={`/sagas/${encodeURIComponent(event.sagaId)}`} className="mono">
              {event.sagaId}
            </Link>{' '}
            <span className="muted">{event.sagaType}</span> <strong>{event.type}</strong>{' '}
            <span className="muted">#{event.seq}</span>
          </li>
        ))
      )}
    </ol>
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
