/** Identifiers that locate an error in a saga's life; every field is optional. */
export interface ErrorContext {
  readonly sagaId?: string;
  readonly sagaType?: string;
  readonly step?: string;
  readonly messageId?: string;
  readonly [key: string]: unknown;
}

/** Options every {@link SagaflowError} accepts. */
export interface SagaflowErrorOptions {
  /** The underlying error, if any. */
  readonly cause?: unknown;
  /** Where the error happened. */
  readonly context?: ErrorContext;
}

/**
 * Base of every error Sagaflow throws. The split that matters is {@link retryable}: a
 * retryable error may succeed if the same operation is tried again (a lost connection, an
 * optimistic-lock conflict); a terminal one never will (bad input, an unknown saga type).
 *
 * Each subclass has a stable {@link code} that callers and the HTTP API switch on.
 *
 * @example
 * ```ts
 * try { await engine.start(request); }
 * catch (e) { if (e instanceof SagaflowError && !e.retryable) reject(e.code); else throw e; }
 * ```
 */
export abstract class SagaflowError extends Error {
  /** Stable, machine-readable identifier, e.g. `CONCURRENCY_CONFLICT`. */
  abstract readonly code: string;
  /** True when trying the same operation again may succeed. */
  abstract readonly retryable: boolean;
  /** Where the error happened. */
  readonly context: ErrorContext;

  constructor(message: string, options: SagaflowErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.context = options.context ?? {};
  }

  /** A JSON-safe view for logs and API responses. */
  toJSON(): {
    name: string;
    code: string;
    message: string;
    retryable: boolean;
    context: ErrorContext;
  } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      context: this.context,
    };
  }
}
