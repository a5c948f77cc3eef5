import { type ReactNode } from 'react';

import { type SagaSummary } from './api-client';
import { Link } from './router';
import { StatusLabel } from './status-label';

/** Sagas as rows: status, type, business key, active steps, last change; each opens its page. */
export function SagaTable(props: { readonly items: readonly SagaSummary[] }): ReactNode {
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
            <th scope="col">Last change</th>
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
                <time dateTime={saga.updatedAt}>{formatTime(saga.updatedAt)}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** An ISO instant in the browser's time zone, to the second. */
export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, {
    dateStyle: 'short',
    timeStyle: 'medium',
  });
}
