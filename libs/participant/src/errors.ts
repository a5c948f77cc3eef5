import { type ErrorContext, SagaflowError } from '@sagaflow/core';

/**
 * A compensation arrived while the forward command of the same step is still RECEIVED or
 * PROCESSING here. Kafka delivers the forward command first, but the worker pool runs
 * commands concurrently, so the compensation waits for the forward outcome. Retryable.
 */
export class ForwardPendingError extends SagaflowError {
  readonly code = 'FORWARD_PENDING';
  readonly retryable = true;

  constructor(context: ErrorContext) {
    super(
      `the forward command of step '${String(context.step)}' is still being processed; the compensation waits for it`,
      { context },
    );
  }
}

/**
 * A command's handler failed on its last attempt (or with a terminal error): its technical
 * failure reply is written and its EventProcess record is FAILED. Terminal; `cause` is the
 * handler's error.
 */
export class HandlerFailedError extends SagaflowError {
  readonly code = 'HANDLER_FAILED';
  readonly retryable = false;
  /** Runs of the handler, this one included. */
  readonly attempts: number;

  constructor(message: string, attempts: number, cause: unknown, context: ErrorContext) {
    super(message, { cause, context });
    this.attempts = attempts;
  }
}

/**
 * The `step_result` row of the step (and direction) was taken, yet no row could be read
 * back (it was purged in between): this transaction rolls back and runs again. Retryable;
 * it only escapes when the race repeats more often than the processor retries.
 */
export class StepResultRaceError extends SagaflowError {
  readonly code = 'STEP_RESULT_RACE';
  readonly retryable = true;

  constructor(context: ErrorContext) {
    super(`the result of step '${String(context.step)}' was recorded but could not be read back`, {
      context,
    });
  }
}

/**
 * An admin action that needs the running participant (a replay publishes with its
 * producer, a retry queues on its worker pool) was asked of a stopped one. The admin HTTP
 * routes answer 503. Retryable: it works once the participant is started.
 */
export class ParticipantNotRunningError extends SagaflowError {
  readonly code = 'PARTICIPANT_NOT_RUNNING';
  readonly retryable = true;

  constructor(participant: string, action: string) {
    super(`participant '${participant}' is not running: cannot ${action}`, {
      context: { participant },
    });
  }
}

/** Where in an admin request a value failed validation. */
export type RequestPart = 'body' | 'query' | 'params';

/**
 * An admin request's body, query string or path parameters do not have the expected
 * shape. Answered 400 with the issues. Terminal: fix the request.
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

/**
 * An admin request's body cannot be read: too large (413) or not JSON by its content type
 * (415). Terminal: fix the request.
 */
export class RequestBodyError extends SagaflowError {
  readonly code: 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE';
  readonly retryable = false;

  constructor(code: 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE', message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * The dead letter was replayed before; replaying it again needs `force: true`. Answered
 * 409. Terminal.
 */
export class DeadLetterAlreadyReplayedError extends SagaflowError {
  readonly code = 'DEAD_LETTER_ALREADY_REPLAYED';
  readonly retryable = false;

  constructor(id: string, replayedAt: string, replayedBy: string | null) {
    super(
      `dead letter '${id}' was already replayed at ${replayedAt} by ${replayedBy ?? 'an unknown actor'}; pass force: true to replay it again`,
      { context: { deadLetterId: id } },
    );
  }
}

/**
 * No FAILED EventProcess record of this participant has that consumer and message id: it
 * does not exist, or it is not FAILED (received, being processed, or done). Answered 404.
 * Terminal.
 */
export class FailedRecordNotFoundError extends SagaflowError {
  readonly code = 'FAILED_RECORD_NOT_FOUND';
  readonly retryable = false;

  constructor(consumer: string, messageId: string) {
    super(
      `no FAILED EventProcess record of consumer '${consumer}' has message id '${messageId}' (unknown, or not FAILED)`,
      { context: { consumer, messageId } },
    );
  }
}
