import { type ReactNode, type SyntheticEvent, useState } from 'react';

import { SAGA_STATUSES, type SagaSort, type SagaStatus } from './api-client';
import { ResourceData, ResourceError } from './api-resource-view';
import { Pager, TextField } from './listing-controls';
import { navigate } from './router';
import { type Listing, listingOf, listingPath, PAGE_SIZES } from './saga-listing-url';
import { SagaTable } from './saga-table';
import { StatusLabel } from './status-label';
import { useApiResource } from './use-api-resource';

/** Quick time ranges: the last so many minutes, up to now. */
const RECENT_RANGES = [
  { label: 'Last 15 min', minutes: 15 },
  { label: 'Last hour', minutes: 60 },
  { label: 'Last 24 h', minutes: 1440 },
] as const;

/**
 * The saga listing with the API's filters (statuses, type, business key, stuck, a time range
 * on the sorted column), sortable by start or last change either way, paged by cursor; all of
 * it in the URL, so that a view can be shared and the browser's back pages back.
 */
export function SagaListPage(props: { readonly search: URLSearchParams }): ReactNode {
  const listing = listingOf(props.search);
  const { filters, cursor, limit } = listing;
  const key = listingPath(listing);
  const page = useApiResource((api) => api.listSagas(filters, cursor, limit), key);
  const go = (changes: Partial<Listing>): void => {
    navigate(listingPath({ ...listing, cursor: null, ...changes }));
  };
  const sortBy = (sort: SagaSort): void => {
    const order = sort === filters.sort && filters.order === 'desc' ? 'asc' : 'desc';
    // A time range bounds the sorted column: it does not carry over to the other one.
    const range = sort === filters.sort ? {} : { after: '', before: '' };
    go({ filters: { ...filters, ...range, sort, order } });
  };
  const nextCursor = page.data?.nextCursor ?? null;
  return (
    <>
      <h1>Sagas</h1>
      <FilterForm key={listingPath({ ...listing, cursor: null })} listing={listing} onApply={go} />
      <ResourceError resource={page} />
      <div className="listing" aria-busy={page.loading}>
        <ResourceData
          resource={page}
          empty={{
            when: (data) => data.items.length === 0,
            text: 'No saga matches these filters.',
          }}
        >
          {(data) => (
            <SagaTable
              items={data.items}
              sorting={{ sort: filters.sort, order: filters.order, onSort: sortBy }}
            />
          )}
        </ResourceData>
      </div>
      <Pager
        firstPage={cursor === null ? null : listingPath({ ...listing, cursor: null })}
        nextPage={nextCursor === null ? null : listingPath({ ...listing, cursor: nextCursor })}
      >
        <label className="page-size">
          Rows per page{' '}
          <select
            value={limit}
            onChange={(event) => {
              go({ limit: Number(event.target.value) });
            }}
          >
            {[...new Set([...PAGE_SIZES, limit])]
              .sort((a, b) => a - b)
              .map((size) => (
                <option key={size} value={size}>
                  {size}
                </option>
              ))}
          </select>
        </label>
      </Pager>
    </>
  );
}

/** `datetime-local` text (the browser's time zone) of an ISO instant, '' for none. */
function localInputOf(iso: string): string {
  if (iso === '') return '';
  const date = new Date(iso);
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** The ISO instant of `datetime-local` text, '' for none. */
function instantOfLocal(text: string): string {
  return text === '' ? '' : new Date(text).toISOString();
}

function FilterForm(props: {
  readonly listing: Listing;
  readonly onApply: (changes: Partial<Listing>) => void;
}): ReactNode {
  const { filters } = props.listing;
  const [statuses, setStatuses] = useState<readonly SagaStatus[]>(filters.statuses);
  const [sagaType, setSagaType] = useState(filters.sagaType);
  const [businessKey, setBusinessKey] = useState(filters.businessKey);
  const [stuck, setStuck] = useState(filters.stuck);
  const [after, setAfter] = useState(localInputOf(filters.after));
  const [before, setBefore] = useState(localInputOf(filters.before));
  const column = filters.sort === 'started' ? 'Started' : 'Last change';
  const apply = (range: { after: string; before: string }): void => {
    props.onApply({
      filters: {
        ...filters,
        statuses,
        sagaType: sagaType.trim(),
        businessKey: businessKey.trim(),
        stuck,
        ...range,
      },
    });
  };
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    apply({ after: instantOfLocal(after), before: instantOfLocal(before) });
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
      <TextField
        label="Type"
        name="sagaType"
        value={sagaType}
        onChange={setSagaType}
        placeholder="place-order"
      />
      <TextField
        label="Business key"
        name="businessKey"
        value={businessKey}
        onChange={setBusinessKey}
      />
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
      <fieldset className="time-range">
        <legend>{column} between</legend>
        <TextField
          label="From"
          type="datetime-local"
          name="after"
          value={after}
          onChange={setAfter}
        />
        <TextField
          label="To"
          type="datetime-local"
          name="before"
          value={before}
          onChange={setBefore}
        />
        {RECENT_RANGES.map((range) => (
          <button
            type="button"
            className="secondary"
            key={range.minutes}
            onClick={() => {
              apply({
                after: new Date(Date.now() - range.minutes * 60_000).toISOString(),
                before: '',
              });
            }}
          >
            {range.label}
          </button>
        ))}
      </fieldset>
      <button type="submit">Apply filters</button>
    </form>
  );
}
