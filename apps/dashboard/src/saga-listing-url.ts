/** A saga listing as the dashboard's URL holds it: `/sagas?status=…&cursor=…`. */

import { ALL_SAGAS, SAGA_STATUSES, type SagaFilters, type SagaStatus } from './api-client';

/** The page sizes offered; a URL may name any other up to the API's 500. */
export const PAGE_SIZES = [50, 100, 200, 500] as const;
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;

/** A listing as its URL says: the filters, the page size, and the page's cursor. */
export interface Listing {
  readonly filters: SagaFilters;
  readonly limit: number;
  readonly cursor: string | null;
}

/** An ISO instant from the URL, or '' for none or a value that is not one. */
function instantOf(value: string | null): string {
  if (value === null || value === '' || Number.isNaN(Date.parse(value))) return '';
  return new Date(value).toISOString();
}

/**
 * The listing the URL names: `?status=A,B&sagaType=&businessKey=&stuck=true&sort=updated&
 * order=asc&after=&before=&limit=&cursor=`; what it leaves out is the default.
 */
export function listingOf(search: URLSearchParams): Listing {
  const statuses = (search.get('status') ?? '')
    .split(',')
    .filter((status): status is SagaStatus =>
      (SAGA_STATUSES as readonly string[]).includes(status),
    );
  const limit = Number(search.get('limit'));
  return {
    filters: {
      statuses,
      sagaType: search.get('sagaType') ?? '',
      businessKey: search.get('businessKey') ?? '',
      stuck: search.get('stuck') === 'true',
      sort: search.get('sort') === 'updated' ? 'updated' : 'started',
      order: search.get('order') === 'asc' ? 'asc' : 'desc',
      after: instantOf(search.get('after')),
      before: instantOf(search.get('before')),
    },
    limit:
      Number.isInteger(limit) && limit >= 1 && limit <= MAX_PAGE_SIZE ? limit : DEFAULT_PAGE_SIZE,
    cursor: search.get('cursor'),
  };
}

/** The URL of a listing, with only what differs from the defaults, cursor last. */
export function listingPath(listing: Listing): string {
  const { filters } = listing;
  const query = new URLSearchParams();
  if (filters.statuses.length > 0) query.set('status', filters.statuses.join(','));
  if (filters.sagaType !== '') query.set('sagaType', filters.sagaType);
  if (filters.businessKey !== '') query.set('businessKey', filters.businessKey);
  if (filters.stuck) query.set('stuck', 'true');
  if (filters.sort !== ALL_SAGAS.sort) query.set('sort', filters.sort);
  if (filters.order !== ALL_SAGAS.order) query.set('order', filters.order);
  if (filters.after !== '') query.set('after', filters.after);
  if (filters.before !== '') query.set('before', filters.before);
  if (listing.limit !== DEFAULT_PAGE_SIZE) query.set('limit', String(listing.limit));
  if (listing.cursor !== null) query.set('cursor', listing.cursor);
  const text = query.toString();
  return text === '' ? '/sagas' : `/sagas?${text}`;
}
