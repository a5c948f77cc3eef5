import { describeValue } from './describe';

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
 * Each error has a stable {@link code} that callers and the HTTP API switch on. Most
 * errors belong to one of four families, by what a caller does with them:
 * {@link InvalidArgumentError} (fix the caller), {@link NotFoundError} (nothing to act on),
 * {@link ConflictError} (look again, then decide) and {@link TransientError} (try again).
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

/**
 * An error as a log field: its name, its code when it has a string one (Sagaflow errors,
 * Node and driver errors), its message, and a Sagaflow error's context when it has one.
 * With `stack`, an error that is not a Sagaflow error (an unexpected one) also gives its
 * stack. Anything thrown that is not an `Error` is returned as it is.
 *
 * @example
 * ```ts
 * logger.warn('cache write failed', { sagaId, error: describeError(error) });
 * logger.error('request failed', { error: describeError(error, { stack: true }) });
 * ```
 */
export function describeError(error: unknown, options: { readonly stack?: boolean } = {}): unknown {
  if (!(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  const sagaflow = error instanceof SagaflowError;
  return {
    name: error.name,
    ...(typeof code === 'string' ? { code } : {}),
    message: error.message,
    ...(sagaflow && Object.keys(error.context).length > 0 ? { context: error.context } : {}),
    ...(options.stack === true && !sagaflow ? { stack: error.stack ?? null } : {}),
  };
}

/** Where a bad value came from: the {@link InvalidArgumentError.code}. */
export type InvalidArgumentCode = 'ARGUMENT_INVALID' | 'OPTIONS_INVALID' | 'CONFIG_INVALID';

/** One value that failed validation. */
export interface FieldIssue {
  /** The argument, option path or environment variable, e.g. `retry.retries`. */
  readonly field: string;
  /** The value given, as shown to humans: quoted, secrets masked; `(unset)` when missing. */
  readonly value: string;
  /** The form the value must have, e.g. `an integer ≥ 0`. */
  readonly expected: string;
}

/** Several bad values found at once: a component's options, or the environment. */
export type InvalidFields =
  | {
      readonly code: 'OPTIONS_INVALID';
      /** The component whose options failed, e.g. `createKafka`. */
      readonly component: string;
      readonly issues: readonly FieldIssue[];
    }
  | { readonly code: 'CONFIG_INVALID'; readonly issues: readonly FieldIssue[] };

type InvalidInput =
  InvalidFields | { readonly code: 'ARGUMENT_INVALID'; readonly issues: readonly FieldIssue[] };

/**
 * An argument, an option or an environment variable has a value that can never work (a
 * negative retry count, an empty prefix, a port that is not a number). Terminal: fix the
 * caller or the configuration. The message names every bad field, its value (secrets
 * masked) and the expected form. The {@link code} tells where the value came from:
 *
 * - `ARGUMENT_INVALID`: an argument of a call (the HTTP APIs answer 400: the value came
 *   from the request);
 * - `OPTIONS_INVALID`: the options of a factory or constructor, a wiring mistake; raised
 *   through `checkOptions`;
 * - `CONFIG_INVALID`: environment variables, at start-up; raised through `readEnv`.
 *
 * @example
 * ```ts
 * throw new InvalidArgumentError('maxConflictRetries', -1, 'must be an integer >= 0');
 * // invalid maxConflictRetries: -1 (must be an integer >= 0)
 * ```
 */
export class InvalidArgumentError extends SagaflowError {
  readonly code: InvalidArgumentCode;
  readonly retryable = false;
  /** The first (usually the only) bad field. */
  readonly field: string;
  /** Its value: as given for an argument; as shown (secrets masked) for options and variables. */
  readonly value: unknown;
  /** Every bad field, in the order checked. */
  readonly issues: readonly FieldIssue[];
  /** The component whose options failed (`OPTIONS_INVALID` only). */
  readonly component: string | undefined;

  /** One bad argument: `invalid <field>: <value> (<rule>)`. */
  constructor(field: string, value: unknown, rule: string, options?: SagaflowErrorOptions);
  /** Several bad options or variables, each with its rendered value. */
  constructor(invalid: InvalidFields, options?: SagaflowErrorOptions);
  constructor(
    fieldOrInvalid: string | InvalidFields,
    valueOrOptions?: unknown,
    rule?: string,
    options?: SagaflowErrorOptions,
  ) {
    const single = typeof fieldOrInvalid === 'string';
    const invalid: InvalidInput = single
      ? {
          code: 'ARGUMENT_INVALID',
          issues: [
            {
              field: fieldOrInvalid,
              value: describeValue(valueOrOptions, fieldOrInvalid),
              expected: rule ?? '',
            },
          ],
        }
      : fieldOrInvalid;
    super(
      invalidMessage(invalid),
      single ? options : (valueOrOptions as SagaflowErrorOptions | undefined),
    );
    this.code = invalid.code;
    this.issues = invalid.issues;
    this.field = invalid.issues[0]?.field ?? '';
    this.value = single ? valueOrOptions : invalid.issues[0]?.value;
    this.component = invalid.code === 'OPTIONS_INVALID' ? invalid.component : undefined;
  }
}

function invalidMessage(invalid: InvalidInput): string {
  const { issues } = invalid;
  switch (invalid.code) {
    case 'ARGUMENT_INVALID':
      return issues.map((i) => `invalid ${i.field}: ${i.value} (${i.expected})`).join('; ');
    case 'OPTIONS_INVALID':
      return `${invalid.component}: invalid options: ${issues
        .map((i) => `${i.field}=${i.value} (expected ${i.expected})`)
        .join('; ')}`;
    case 'CONFIG_INVALID':
      return [
        `invalid configuration (${issues.length} ${issues.length === 1 ? 'variable' : 'variables'}):`,
        ...issues.map((i) => `  ${i.field}=${i.value}: expected ${i.expected}`),
      ].join('\n');
  }
}

/**
 * What was asked for does not exist (a saga, a dead letter, a route). Terminal: there is
 * nothing to act on. {@link code} names what is missing, e.g. `ROUTE_NOT_FOUND`; the HTTP
 * APIs answer 404.
 *
 * @example
 * ```ts
 * throw new NotFoundError('ROUTE_NOT_FOUND', `no route for ${method} ${path}`);
 * ```
 */
export class NotFoundError extends SagaflowError {
  readonly code: string;
  readonly retryable = false;

  constructor(code: string, message: string, options?: SagaflowErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * The current state does not allow the request (an action after the pivot, a dead letter
 * replayed before, an id already taken). Terminal: look at the state again, then decide.
 * {@link code} names the rule, e.g. `DEAD_LETTER_NOT_REPLAYABLE`; the HTTP APIs answer 409.
 *
 * @example
 * ```ts
 * throw new ConflictError('ORCHESTRATOR_STOPPED', 'this orchestrator was stopped');
 * ```
 */
export class ConflictError extends SagaflowError {
  readonly code: string;
  readonly retryable = false;

  constructor(code: string, message: string, options?: SagaflowErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * An operation failed for a reason that passes: a broker, a database or Redis did not
 * answer, a consumer is still joining, another writer won a race. Retryable: the same
 * operation later may succeed (jobs retry it, the HTTP APIs answer 503). {@link code}
 * names what failed, e.g. `KAFKA_PUBLISH_FAILED`; `cause` holds the driver's error.
 *
 * @example
 * ```ts
 * throw new TransientError('JOB_QUEUE_FAILED', 'could not schedule 3 timer(s)', { cause });
 * ```
 */
export class TransientError extends SagaflowError {
  readonly code: string;
  readonly retryable = true;

  constructor(code: string, message: string, options?: SagaflowErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

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

/** Where in an HTTP request a value failed validation. */
export type RequestPart = 'body' | 'query' | 'params' | 'headers';

/**
 * An HTTP request's body, query string, path parameters or headers do not have the
 * expected shape. The orchestrator's API and a participant's admin routes answer 400 with
 * the issues. Terminal: fix the request.
 *
 * @example
 * ```ts
 * throw new RequestValidationError('query', formatIssues(result.error.issues, 'query'));
 * ```
 */
export class RequestValidationError extends SagaflowError {
  readonly code = 'REQUEST_INVALID';
  readonly retryable = false;
  readonly part: RequestPart;
  /** One `path: message` line per issue, the path starting with the request part. */
  readonly issues: readonly string[];

  constructor(part: RequestPart, issues: readonly string[]) {
    super(`invalid request ${part}: ${issues.join('; ')}`);
    this.part = part;
    this.issues = issues;
  }
}

/** No definition is registered under that saga type (and version). Terminal. */
export class UnknownSagaTypeError extends NotFoundError {
  constructor(sagaType: string, version?: number, options?: SagaflowErrorOptions) {
    super(
      'SAGA_TYPE_UNKNOWN',
      version === undefined
        ? `no saga definition named '${sagaType}' is registered`
        : `no saga definition '${sagaType}' version ${version} is registered`,
      { ...options, context: { ...options?.context, sagaType } },
    );
  }
}

/** No saga has that id. Terminal. */
export class SagaNotFoundError extends NotFoundError {
  constructor(sagaId: string, options?: SagaflowErrorOptions) {
    super('SAGA_NOT_FOUND', `saga '${sagaId}' does not exist`, {
      ...options,
      context: { ...options?.context, sagaId },
    });
  }
}

/** No dead letter has that id (or it belongs to another consumer). Terminal. */
export class DeadLetterNotFoundError extends NotFoundError {
  readonly deadLetterId: string;

  constructor(deadLetterId: string, options?: SagaflowErrorOptions) {
    super('DEAD_LETTER_NOT_FOUND', `dead letter '${deadLetterId}' does not exist`, {
      ...options,
      context: { ...options?.context, deadLetterId },
    });
    this.deadLetterId = deadLetterId;
  }
}

/**
 * No FAILED EventProcess record of that consumer has that message id: it does not exist,
 * or it is not FAILED (received, being processed, or done). Terminal.
 */
export class FailedRecordNotFoundError extends NotFoundError {
  constructor(consumer: string, messageId: string) {
    super(
      'FAILED_RECORD_NOT_FOUND',
      `no FAILED EventProcess record of consumer '${consumer}' has message id '${messageId}' (unknown, or not FAILED)`,
      { context: { consumer, messageId } },
    );
  }
}

/** An operator action (or other input) is not allowed in the saga's current state. Terminal. */
export class IllegalSagaActionError extends ConflictError {
  constructor(message: string, options?: SagaflowErrorOptions) {
    super('ACTION_NOT_ALLOWED', message, options);
  }
}

/**
 * An operator acted on a version of the saga that is no longer its current one: something
 * happened to the saga since the operator looked (another operator's action, a reply, a
 * timeout). Terminal: look at the saga again, then decide.
 */
export class SagaVersionMovedError extends ConflictError {
  readonly expectedVersion: number;
  readonly currentVersion: number;
  constructor(
    sagaId: string,
    expectedVersion: number,
    currentVersion: number,
    options?: SagaflowErrorOptions,
  ) {
    super(
      'SAGA_VERSION_MOVED',
      `saga '${sagaId}' is at version ${currentVersion}, not ${expectedVersion}: it changed since it was read`,
      { ...options, context: { ...options?.context, sagaId, expectedVersion, currentVersion } },
    );
    this.expectedVersion = expectedVersion;
    this.currentVersion = currentVersion;
  }
}

/**
 * A saga of that type already owns that business key. Terminal for the new saga; the
 * caller gets the existing saga's id ({@link existingSagaId}) and returns it instead.
 */
export class DuplicateBusinessKeyError extends ConflictError {
  readonly existingSagaId: string;
  constructor(
    sagaType: string,
    businessKey: string,
    existingSagaId: string,
    options?: SagaflowErrorOptions,
  ) {
    super(
      'BUSINESS_KEY_TAKEN',
      `a '${sagaType}' saga with business key '${businessKey}' already exists: ${existingSagaId}`,
      {
        ...options,
        context: { ...options?.context, sagaType, businessKey, sagaId: existingSagaId },
      },
    );
    this.existingSagaId = existingSagaId;
  }
}

/** The dead letter was replayed before; replaying it again needs `force: true`. Terminal. */
export class DeadLetterAlreadyReplayedError extends ConflictError {
  constructor(id: string, replayedAt: string, replayedBy: string | null) {
    super(
      'DEAD_LETTER_ALREADY_REPLAYED',
      `dead letter '${id}' was already replayed at ${replayedAt} by ${replayedBy ?? 'an unknown actor'}; pass force: true to replay it again`,
      { context: { deadLetterId: id } },
    );
  }
}

/**
 * Another writer appended to the saga's stream first: the `(saga_id, seq)` optimistic
 * lock rejected this append. Retryable: reload the saga and decide again.
 */
export class ConcurrencyError extends TransientError {
  readonly expectedVersion: number;
  constructor(sagaId: string, expectedVersion: number, options?: SagaflowErrorOptions) {
    super(
      'CONCURRENCY_CONFLICT',
      `saga '${sagaId}' was changed by another writer (expected version ${expectedVersion})`,
      { ...options, context: { ...options?.context, sagaId } },
    );
    this.expectedVersion = expectedVersion;
  }
}

/**
 * The decision was committed but its timers could not be scheduled or cancelled.
 * Retryable: the saga's `pendingTimers` still name every timer it needs, and
 * `SagaEngine.rearmTimers` (recovery) or a retried input schedules them again.
 *
 * @example
 * ```ts
 * try { await engine.handleTimer(timer); }
 * catch (e) { if (e instanceof TimerSchedulingError) await retryLater(timer); else throw e; }
 * ```
 */
export class TimerSchedulingError extends TransientError {
  constructor(sagaId: string, options?: SagaflowErrorOptions) {
    super(
      'TIMER_SCHEDULING_FAILED',
      `timers of saga '${sagaId}' could not be scheduled after its decision was committed`,
      { ...options, context: { ...options?.context, sagaId } },
    );
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

/** A component that failed to close, and why. */
export interface CloseFailure {
  readonly component: string;
  readonly error: unknown;
}

/**
 * Some components of a service failed to close during its stop (see `ServiceLifecycle`); every other one was closed all the same.
 * `failures` names each one with its error. Terminal: the service is stopped.
 */
export class ShutdownError extends SagaflowError {
  readonly code = 'SHUTDOWN_FAILED';
  readonly retryable = false;
  readonly failures: readonly CloseFailure[];
  constructor(service: string, failures: readonly CloseFailure[]) {
    super(
      `the ${service} stopped with failures in: ${failures.map((f) => f.component).join(', ')}`,
      { cause: new AggregateError(failures.map((f) => f.error)) },
    );
    this.failures = failures;
  }
}
