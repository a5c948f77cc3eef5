import { ALL_SAGAS } from './api-client';
import { listingOf, listingPath } from './saga-listing-url';

const of = (query: string): ReturnType<typeof listingOf> => listingOf(new URLSearchParams(query));

describe('a saga listing in the URL', () => {
  it('is /sagas with nothing in the query for the defaults', () => {
    expect(of('')).toEqual({ filters: ALL_SAGAS, limit: 50, cursor: null });
    expect(listingPath(of(''))).toBe('/sagas');
  });

  it('round-trips every filter, the page size and the cursor, defaults left out', () => {
    const path =
      '/sagas?status=RUNNING%2CCOMPENSATION_FAILED&sagaType=place-order&businessKey=o-1&stuck=true&sort=updated&order=asc&after=2026-12-04T10%3A00%3A00.000Z&before=2026-12-04T11%3A00%3A00.000Z&limit=200&cursor=abc';
    const listing = of(path.slice('/sagas?'.length));
    expect(listing).toEqual({
      filters: {
        statuses: ['RUNNING', 'COMPENSATION_FAILED'],
        sagaType: 'place-order',
        businessKey: 'o-1',
        stuck: true,
        sort: 'updated',
        order: 'asc',
        after: '2026-12-04T10:00:00.000Z',
        before: '2026-12-04T11:00:00.000Z',
      },
      limit: 200,
      cursor: 'abc',
    });
    expect(listingPath(listing)).toBe(path);
  });

  it('drops what it cannot read: unknown statuses, bad instants, sizes out of 1–500, other sorts', () => {
    expect(of('status=RUNNING,NOPE&after=yesterday&limit=501&sort=name&order=up')).toEqual({
      filters: { ...ALL_SAGAS, statuses: ['RUNNING'] },
      limit: 50,
      cursor: null,
    });
    expect(of('limit=0').limit).toBe(50);
    expect(of('limit=2.5').limit).toBe(50);
    expect(of('limit=1').limit).toBe(1);
  });

  it('writes instants in UTC whatever offset the URL gave', () => {
    expect(of('after=2026-12-04T12:00:00%2B02:00').filters.after).toBe('2026-12-04T10:00:00.000Z');
  });
});
