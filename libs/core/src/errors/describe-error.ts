/**
 * An error as a log field: its name, its code when it has a string one (Sagaflow errors,
 * Node and driver errors), and its message. Anything thrown that is not an `Error` is
 * returned as it is.
 *
 * @example
 * ```ts
 * logger.warn('cache write failed', { sagaId, error: describeError(error) });
 * ```
 */
export function describeError(error: unknown): unknown {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string'
      ? { name: error.name, code, message: error.message }
      : { name: error.name, message: error.message };
  }
  return error;
}
