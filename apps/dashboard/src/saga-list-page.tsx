import { type ReactNode, type SyntheticEvent, useState } from 'react';

import { SAGA_STATUSES, type SagaFilters, type SagaStatus } from './api-client';
import { navigate } from './router';
import { SagaTable } from './saga-table';
import { StatusLabel } from './status-label';
import { useApiResource } from './use-api-resource';

/** The listing's filters and page, read from the URL (`?status=A,B&sagaType=&businessKey=&stuck=true&cursor=`). */
function filtersOf(search: URLSearchParams): SagaFilters {
  const statuses = (search.get('status') ?? '')
    .split(',')
    .filter((status): status is SagaStatus =>
      (SAGA_STATUSES as readonly string[]).includes(status),
    );
  return {
    statuses,
    sagaType: search.get('sagaType') ?? '',
    businessKey: search.get('businessKey') ?? '',
    stuck: search.get('stuck') === 'true',
  };
}

/** The URL of a listing: filters first, then the page's cursor. */
function listingPath(filters: SagaFilters, cursor: string | null): string {
  const query = new URLSearchParams();
  if (filters.statuses.length > 0) query.set('status', filters.statuses.join(','));
  if (filters.sagaType !== '') query.set('sagaType', filters.sagaType);
  if (filters.businessKey !== '') query.set('businessKey', filters.businessKey);
  if (filters.stuck) query.set('stuck', 'true');
  if (cursor !== null) query.set('cursor', cursor);
  const text = query.toString();
  return text === '' ? '/sagas' : `/sagas?${text}`;
}

/**
 * The saga listing with the API's filters (statuses, type, business key, stuck) and cursor
 * paging, all in the URL, so that a view can be shared and the browser's back pages back.
 */
export function SagaListPage(props: { readonly search: URLSearchParams }): ReactNode {
  const filters = filtersOf(props.search);
  const cursor = props.search.get('cursor');
  const key = listingPath(filters, cursor);
  const page = useApiResource((api) => api.listSagas(filters, cursor), key);
  return (
    <>
      <h1>Sagas</h1>
      <FilterForm key={listingPath(filters, null)} filters={filters} />
      {page.error === null ? null : (
        <p className="error" role="alert">
          {page.error.describe()}
        </p>
      )}
      {page.data === null ? (
        <p className="muted">{page.loading ? 'Loading…' : ''}</p>
      ) : page.data.items.length === 0 ? (
        <p className="muted">No saga matches these filters.</p>
      ) : (
        <SagaTable items={page.data.items} />
      )}
      <nav className="pager" aria-label="Pages of the listing">
        {cursor === null ? null : (
          <button
            type="button"
            onClick={() => {
              navigate(listingPath(filters, null));
            }}
          >
            First page
          </button>
        )}
        {(page.data?.nextCursor ?? null) === null ? null : (
          <button
            type="button"
            onClick={() => {
              navigate(listingPath(filters, page.data?.nextCursor ?? null));
            }}
          >
            Next page
          </button>
        )}
      </nav>
    </>
  );
}

function FilterForm(props: { readonly filters: SagaFilters }): ReactNode {
  const [statuses, setStatuses] = useState<readonly SagaStatus[]>(props.filters.statuses);
  const [sagaType, setSagaType] = useState(props.filters.sagaType);
  const [businessKey, setBusinessKey] = useState(props.filters.businessKey);
  const [stuck, setStuck] = useState(props.filters.stuck);
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    navigate(
      listingPath(
        { statuses, sagaType: sagaType.trim(), businessKey: businessKey.trim(), stuck },
        null,
      ),
    );
  };
  return (
    <form className="filters card" onSubmit={submit} aria-label="Filters">
      <fieldset>
        <legend>Status</legend>
        {SAGA_STATUSES.map((status) => (
          <label key={status} className="check">
            <input
              type="checkbox"
              name="status"
              value={status}
              checked={statuses.includes(status)}
              onChange={(event) => {
                setStatuses(
                  event.target.checked
                    ? SAGA_STATUSES.filter((s) => s === status || statuses.includes(s))
                    : statuses.filter((s) => s !== status),
                );
              }}
            />
            <StatusLabel status={status} />
          </label>
        ))}
      </fieldset>
      <label>
        Type
        <input
          name="sagaType"
          value={sagaType}
          onChange={(event) => {
            setSagaType(event.target.value);
          }}
          placeholder="place-order"
        />
      </label>
      <label>
        Business key
        <input
          name="businessKey"
          value={businessKey}
          onChange={(event) => {
            setBusinessKey(event.target.value);
          }}
        />
      </label>
      <label className="check">
        <input
          type="checkbox"
          name="stuck"
          checked={stuck}
          onChange={(event) => {
            setStuck(event.target.checked);
          }}
        />
        Stuck or parked only
      </label>
      <button type="submit">Apply filters</button>
    </form>
  );
}
