import { formatIssues, type RequestPart, RequestValidationError } from '@sagaflow/core';
import { type z } from 'zod';

/**
 * Validates one part of a request with a zod schema and returns the parsed value.
 *
 * @throws RequestValidationError naming every issue as `part.path: message`.
 *
 * @example
 * ```ts
 * const { limit } = parseRequest(listQuerySchema, request.query, 'query');
 * ```
 */
export function parseRequest<S extends z.ZodType>(
  schema: S,
  value: unknown,
  part: RequestPart,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new RequestValidationError(part, formatIssues(result.error.issues, part));
}
