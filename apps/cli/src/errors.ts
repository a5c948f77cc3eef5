/**
 * The CLI's exit codes: what a script calling `sagaflow` can tell apart.
 *
 * - `0` done;
 * - `1` the orchestrator refused the request or failed (an HTTP error answer: 400, 401, 403,
 *   404, 409, 429, 5xx);
 * - `2` usage error: an unknown command or option, a missing or bad argument, an unreadable
 *   `--input` file; nothing was sent;
 * - `3` the orchestrator could not be reached (connection refused, unknown host, no answer
 *   within `--timeout`, a watch that lost it for good);
 * - `130` interrupted (Ctrl-C).
 */
export const EXIT_CODES = {
  ok: 0,
  refused: 1,
  usage: 2,
  unreachable: 3,
  interrupted: 130,
} as const;

/** One of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** A failure the CLI reports on stderr: its message, and the exit code it ends with. */
export abstract class CliError extends Error {
  abstract readonly code: string;
  abstract readonly exitCode: ExitCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A bad command line: nothing was sent. */
export class UsageError extends CliError {
  readonly code = 'USAGE_ERROR';
  readonly exitCode = EXIT_CODES.usage;
}

/** The orchestrator could not be reached, or did not answer in time. */
export class UnreachableError extends CliError {
  readonly code = 'ORCHESTRATOR_UNREACHABLE';
  readonly exitCode = EXIT_CODES.unreachable;
}

/** The run was interrupted (Ctrl-C). */
export class InterruptedError extends CliError {
  readonly code = 'INTERRUPTED';
  readonly exitCode = EXIT_CODES.interrupted;

  constructor() {
    super('interrupted');
  }
}

/** What a request was about, to name it when the orchestrator does not know it (404). */
export interface RequestSubject {
  readonly kind: 'saga' | 'dead letter';
  readonly id: string;
}

/** An HTTP error answer of the orchestrator, as read from its body and headers. */
export interface ApiErrorAnswer {
  readonly method: string;
  /** The path asked for, without the query. */
  readonly path: string;
  readonly status: number;
  /** The error body's `code`, or `HTTP_<status>` when the body was not the API's. */
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
  /** `Retry-After` in seconds, when the answer had one. */
  readonly retryAfterSeconds?: number;
  readonly subject?: RequestSubject;
  /** Whether a token was sent: a 401 without one says how to give it. */
  readonly tokenSent: boolean;
}

/** The orchestrator answered with an error: the message says what and what to do. */
export class ApiError extends CliError {
  readonly code = 'API_REFUSED';
  readonly exitCode = EXIT_CODES.refused;
  readonly answer: ApiErrorAnswer;

  constructor(answer: ApiErrorAnswer) {
    super(describeApiError(answer));
    this.answer = answer;
  }

  /** The HTTP status. */
  get status(): number {
    return this.answer.status;
  }

  /** True for answers that may pass when asked again: 429, 502–504 and other 5xx. */
  get transient(): boolean {
    return this.answer.status === 429 || this.answer.status >= 500;
  }
}

/**
 * The message of an HTTP error answer, by status: a 401 says the token was refused (or that
 * none was given), a 403 what the token's role may not do, a 404 which saga or dead letter
 * does not exist, a 400 every issue of the request, a 409 and a 429 the API's code and
 * message (with `Retry-After`). The token itself never appears.
 *
 * @example
 * ```ts
 * describeApiError({ method: 'GET', path: '/sagas/s-1', status: 404, code: 'SAGA_NOT_FOUND',
 *   message: "saga 's-1' does not exist", subject: { kind: 'saga', id: 's-1' }, tokenSent: true });
 * // "no saga 's-1'"
 * ```
 */
export function describeApiError(answer: ApiErrorAnswer): string {
  const { status, code, message, details, subject } = answer;
  const retry =
    answer.retryAfterSeconds === undefined ? '' : `; retry after ${answer.retryAfterSeconds} s`;
  switch (status) {
    case 400:
      return [`the request was refused (${code}): ${message}`, ...issuesOf(details)].join('\n');
    case 401:
      return answer.tokenSent
        ? `the token was refused: ${message}`
        : `no token given (pass --token or set SAGAFLOW_TOKEN): ${message}`;
    case 403:
      return `the token may not do this: ${message}`;
    case 404:
      if (code === 'ROUTE_NOT_FOUND') {
        return `the orchestrator has no ${answer.method} ${answer.path} (${message}): is it older than this CLI?`;
      }
      if (subject !== undefined && code !== 'SAGA_TYPE_UNKNOWN') {
        return `no ${subject.kind} '${subject.id}'`;
      }
      return `${code}: ${message}`;
    case 409:
      return code === 'SAGA_VERSION_MOVED'
        ? `${code}: ${message} (show the saga again and decide on what it is now)`
        : `${code}: ${message}`;
    default:
      if (status >= 500) return `the orchestrator failed (${status} ${code}): ${message}${retry}`;
      return `${code}: ${message}${retry}`;
  }
}

/** A 400's `details.issues`, one line each. */
function issuesOf(details: Readonly<Record<string, unknown>> | undefined): string[] {
  const issues = details?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.map((issue) => `  - ${typeof issue === 'string' ? issue : JSON.stringify(issue)}`);
}

/**
 * The message of a `fetch` that got no answer: `connect ECONNREFUSED 127.0.0.1:8080` from
 * the cause a connection failure carries. By shape: errors of `fetch` come from undici.
 */
export function networkFailureOf(error: unknown): string {
  const { message, cause } = (error ?? {}) as { message?: unknown; cause?: unknown };
  const causeOf = (cause ?? {}) as { message?: unknown; code?: unknown; errors?: unknown };
  if (typeof causeOf.message === 'string' && causeOf.message !== '') return causeOf.message;
  // A host with several addresses fails with an AggregateError of each connection's error.
  if (Array.isArray(causeOf.errors) && causeOf.errors.length > 0) {
    return networkFailureOf({ cause: causeOf.errors[0] as unknown });
  }
  if (typeof causeOf.code === 'string') return causeOf.code;
  return typeof message === 'string' ? message : String(error);
}
