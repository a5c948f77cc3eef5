import { type ErrorContext, SagaflowError } from '@sagaflow/core';

/** Why a stack operation failed; the stable codes of {@link StackError}. */
export const StackErrorCode = {
  /** A process did not answer `GET /ready` with 200 before the deadline. */
  NotReady: 'STACK_PROCESS_NOT_READY',
  /** A process exited while it was expected to run. */
  Exited: 'STACK_PROCESS_EXITED',
  /** A process did not exit after SIGTERM within the stop timeout (it was then killed). */
  StopTimeout: 'STACK_STOP_TIMEOUT',
  /** The npm workspace root or a built entry point was not found. */
  NotBuilt: 'STACK_NOT_BUILT',
  /** No free TCP port could be found. */
  NoFreePort: 'STACK_NO_FREE_PORT',
  /** Removing the run's databases, topics, groups or Redis keys failed. */
  CleanupFailed: 'STACK_CLEANUP_FAILED',
  /** A process name that is not part of the stack, or an operation its state forbids. */
  BadRequest: 'STACK_BAD_REQUEST',
} as const;

/** One of the {@link StackErrorCode} values. */
export type StackErrorCode = (typeof StackErrorCode)[keyof typeof StackErrorCode];

/**
 * A stack of processes (orchestrator and example services) could not be started, driven or
 * cleaned up. Terminal: the message says what to look at (often the process's log tail).
 *
 * @example
 * ```ts
 * try { await startStack(); } catch (e) { if (e instanceof StackError) console.error(e.message); }
 * ```
 */
export class StackError extends SagaflowError {
  readonly code: StackErrorCode;
  readonly retryable = false;

  constructor(
    code: StackErrorCode,
    message: string,
    options: { cause?: unknown; context?: ErrorContext } = {},
  ) {
    super(message, options);
    this.code = code;
  }
}
