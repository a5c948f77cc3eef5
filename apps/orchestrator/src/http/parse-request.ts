import { type z } from 'zod';

import { type RequestPart, RequestValidationError } from './errors/request-validation-error';

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
  throw new RequestValidationError(
    part,
    result.error.issues.map(
      (issue) => `${[part, ...issue.path.map((key) => String(key))].join('.')}: ${issue.message}`,
    ),
  );
}
