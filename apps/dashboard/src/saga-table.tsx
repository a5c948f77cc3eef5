import { type ReactNode } from 'react';

import { type SagaSort, type SagaSummary } from './api-client';
import { Link } from './router';
import { formatTime } from './format';
import { StatusLabel } from './status-label';

/** How a table is sorted, and what a click on a sortable column does. */
export interface TableSorting {
  readonly sort: SagaSort;
  readonly order: 'desc' | 'asc';
  /** Sorts by `sort`: a click on the column sorted by already reverses the order. */
  readonly onSort: (sort: SagaSort) => void;
}

/**
 * Sagas as rows: status, type, business key, active steps, start and last change; each opens
 * its page. With `sorting`, the start and last-change headers are buttons that sort by them.
 */
export function SagaTable(props: {
  readonly items: readonly SagaSummary[];
  readonly sorting?: TableSorting;
}): ReactNode {
  const { sorting } = props;
  return (
    <div className="table-scroll">
      <table className="sagas">
        <thead>
          <tr>
            <th scope="col">Saga</th>
            <th scope="col">Status</th>
            <th scope="col">Type</th>
            <th scope="col">Business key</th>
            <th scope="col">Active steps</th>
            <SortableHeader column="started" label="Started" sorting={sorting} />
            <SortableHeader column="updated" label="Last change" sorting={sorting} />
          </tr>
        </thead>
        <tbody>
          {props.items.map((saga) => (
            <tr key={saga.sagaId} data-saga-id={saga.sagaId}>
              <td>
                <Link to={`/sagas/${encodeURIComponent(saga.sagaId)}`} className="mono">
                  {saga.sagaId}
                </Link>
              </td>
              <td>
                <StatusLabel status={saga.status} />
                {saga.failureCode === null ? null : (
                  <span className="failure-code"> {saga.failureCode}</span>
                )}
              </td>
              <td>
                {saga.sagaType} v{saga.sagaVersion}
              </td>
              <td className="mono">{saga.businessKey ?? '–'}</td>
              <td>{saga.activeSteps.length === 0 ? '–' : saga.activeSteps.join(', ')}</td>
              <td>
                <time dateTime={saga.startedAt}>{formatTime(saga.startedAt)}</time>
              </td>
              <td>
                <time dateTime={saga.updatedAt}>{formatTime(saga.updatedAt)}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SortableHeader(props: {
  readonly column: SagaSort;
  readonly label: string;
  readonly sorting: TableSorting | undefined;
}): ReactNode {
  const { sorting, column, label } = props;
  if (sorting === undefined) return <th scope="col">{label}</th>;
  const sorted = sorting.sort === column;
  const direction = sorting.order === 'desc' ? 'descending' : 'ascending';
  return (
    <th scope="col" aria-sort={sorted ? direction : 'none'}>
      <button
        type="button"
        className="sort-button"
        onClick={() => {
          sorting.onSort(column);
        }}
      >
        {label}
        <span aria-hidden="true">{sorted ? (sorting.order === 'desc' ? ' ▼' : ' ▲') : ' ↕'}</span>
        <span className="visually-hidden">
          {sorted ? `, sorted ${direction}; reverse` : ', sort by it'}
        </span>
      </button>
    </th>
  );
}
