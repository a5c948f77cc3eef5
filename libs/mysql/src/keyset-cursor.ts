import { InvalidArgumentError } from '@sagaflow/core';

/** A position in a keyset-paginated listing: the sort values of the last row returned. */
export type CursorValues = readonly (string | number)[];

/** Encodes the sort values of the last row of a page as an opaque, URL-safe cursor. */
export function encodeCursor(values: CursorValues): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodeCursor} with `arity` values; throws
 * `InvalidArgumentError` (field `cursor`) for anything else.
 */
export function decodeCursor(cursor: string, arity: number): CursorValues {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new InvalidArgumentError('cursor', cursor, 'must be a cursor returned by a listing', {
      cause: error,
    });
  }
  if (
    !Array.isArray(values) ||
    values.length !== arity ||
    !values.every((v) => typeof v === 'string' || typeof v === 'number')
  ) {
    throw new InvalidArgumentError('cursor', cursor, 'must be a cursor returned by a listing');
  }
  return values;
}
