import { type ErrorContext, SagaflowError, type SagaflowErrorOptions } from './sagaflow-error';

/** A saga definition breaks a rule of the DSL; raised by `build()`. Terminal. */
export class DefinitionError extends SagaflowError {
  readonly code = 'DEFINITION_INVALID';
  readonly retryable = false;
}

/** A start request's input does not match the definition's input schema. Terminal. */
export class InvalidSagaInputError extends SagaflowError {
  readonly code = 'INPUT_INVALID';
  readonly retryable = false;
  /** One line per schema violation, `path: message`. */
  readonly issues: readonly string[];
  constructor(message: string, issues: readonly string[], options?: SagaflowErrorOptions) {
    super(message, options);
    this.issues = issues;
  }
}

/** No definition is registered under that saga type (and version). Terminal. */
export class UnknownSagaTypeError extends SagaflowError {
  readonly code = 'SAGA_TYPE_UNKNOWN';
  readonly retryable = false;
  constructor(sagaType: string, version?: number, options?: SagaflowErrorOptions) {
    super(
      version === undefined
        ? `no saga definition named '${sagaType}' is registered`
        : `no saga definition '${sagaType}' version ${version} is registered`,
      { ...options, context: { ...options?.context, sagaType } },
    );
  }
}

/** No saga has that id. Terminal. */
export class SagaNotFoundError extends SagaflowError {
  readonly code = 'SAGA_NOT_FOUND';
  readonly retryable = false;
  constructor(sagaId: string, options?: SagaflowErrorOptions) {
    super(`saga '${sagaId}' does not exist`, {
      ...options,
      context: { ...options?.context, sagaId },
    });
  }
}

/** An operator action (or other input) is not allowed in the saga's current state. Terminal. */
export class IllegalSagaActionError extends SagaflowError {
  readonly code = 'ACTION_NOT_ALLOWED';
  readonly retryable = false;
}

/**
 * An operator acted on a version of the saga that is no longer its current one: something
 * happened to the saga since the operator looked (another operator's action, a reply, a
 * timeout). Terminal: look at the saga again, then decide.
 */
export class SagaVersionMovedError extends SagaflowError {
  readonly code = 'SAGA_VERSION_MOVED';
  readonly retryable = false;
  readonly expectedVersion: number;
  readonly currentVersion: number;
  constructor(
    sagaId: string,
    expectedVersion: number,
    currentVersion: number,
    options?: SagaflowErrorOptions,
  ) {
    super(
      `saga '${sagaId}' is at version ${currentVersion}, not ${expectedVersion}: it changed since it was read`,
      { ...options, context: { ...options?.context, sagaId, expectedVersion, currentVersion } },
    );
    this.expectedVersion = expectedVersion;
    this.currentVersion = currentVersion;
  }
}

/**
 * Another writer appended to the saga's stream first: the `(saga_id, seq)` optimistic
 * lock rejected this append. Retryable: reload the saga and decide again.
 */
export class ConcurrencyError extends SagaflowError {
  readonly code = 'CONCURRENCY_CONFLICT';
  readonly retryable = true;
  readonly expectedVersion: number;
  constructor(sagaId: string, expectedVersion: number, options?: SagaflowErrorOptions) {
    super(`saga '${sagaId}' was changed by another writer (expected version ${expectedVersion})`, {
      ...options,
      context: { ...options?.context, sagaId },
    });
    this.expectedVersion = expectedVersion;
  }
}

/**
 * A saga of that type already owns that business key. Terminal for the new saga; the
 * caller gets the existing saga's id ({@link existingSagaId}) and returns it instead.
 */
export class DuplicateBusinessKeyError extends SagaflowError {
  readonly code = 'BUSINESS_KEY_TAKEN';
  readonly retryable = false;
  readonly existingSagaId: string;
  constructor(
    sagaType: string,
    businessKey: string,
    existingSagaId: string,
    options?: SagaflowErrorOptions,
  ) {
    super(
      `a '${sagaType}' saga with business key '${businessKey}' already exists: ${existingSagaId}`,
      {
        ...options,
        context: { ...options?.context, sagaType, businessKey, sagaId: existingSagaId },
      },
    );
    this.existingSagaId = existingSagaId;
  }
}

/**
 * A participant refuses a command for a business reason (credit limit exceeded, out of
 * stock). Thrown by participant handlers; becomes a *business failure reply*, which makes
 * the orchestrator compensate. Never retried.
 *
 * @example
 * ```ts
 * if (balance < amount) throw new BusinessError('CREDIT_LIMIT_EXCEEDED', `needs ${amount}`);
 * ```
 */
export class BusinessError extends SagaflowError {
  readonly code = 'BUSINESS_FAILURE';
  readonly retryable = false;
  /** The participant's own reason code, e.g. `OUT_OF_STOCK`. */
  readonly reason: string;
  constructor(reason: string, message: string, context?: ErrorContext) {
    super(message, context === undefined ? {} : { context });
    this.reason = reason;
  }
}
