/** What a redacted secret is replaced with, in logs and error messages. */
export const REDACTED = '[REDACTED]';

/** Fragments that mark a key or variable name as holding a secret (compared without case, `_` or `-`). */
const SECRET_NAME_FRAGMENTS = [
  'password',
  'passwd',
  'secret',
  'token',
  'authorization',
  'apikey',
  'credential',
  'cookie',
  'privatekey',
  'accesskey',
] as const;

/**
 * True when a field or environment variable name suggests a secret: `password`,
 * `SAGAFLOW_MYSQL_PASSWORD`, `apiKey`, `Authorization`, `client_secret`, `refreshToken`, …
 *
 * @example
 * ```ts
 * isSecretName('SAGAFLOW_MYSQL_PASSWORD'); // true
 * isSecretName('sagaId'); // false
 * ```
 */
export function isSecretName(name: string): boolean {
  const normalized = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return normalized === 'pwd' || SECRET_NAME_FRAGMENTS.some((f) => normalized.includes(f));
}

// scheme://user:password@  — the password part is replaced; the user name stays for context.
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]*):([^\s/@]+)@/gi;
// ?password=…&token=… in query strings.
const SECRET_QUERY_PARAMS =
  /([?&](?:password|passwd|pwd|secret|token|access_token|api_?key|apikey|auth)=)[^&\s#]+/gi;

/**
 * Replaces credentials embedded in URLs anywhere in `text`: the password of
 * `scheme://user:password@host` and secret query parameters (`?password=…`, `&token=…`).
 *
 * @example
 * ```ts
 * redactUrlCredentials('mysql://root:pw@db:3306/app'); // 'mysql://root:[REDACTED]@db:3306/app'
 * ```
 */
export function redactUrlCredentials(text: string): string {
  return text
    .replace(URL_CREDENTIALS, `$1$2:${REDACTED}@`)
    .replace(SECRET_QUERY_PARAMS, `$1${REDACTED}`);
}

/** Longest rendering of a value in a message; a whole object passed by mistake is cut. */
const MAX_SHOWN_LENGTH = 120;

/**
 * A short, readable rendering of a bad value for error messages: strings quoted, numbers
 * as written (`NaN`, `Infinity`), dates in ISO-8601, arrays and plain objects as JSON, other
 * objects (a schema, a client) and functions by kind. The value of a secret-named `field`
 * is masked and URL credentials are removed; long renderings are cut to 120 characters.
 *
 * @example
 * ```ts
 * describeValue('a b'); // '"a b"'
 * describeValue({ a: [1] }); // '{"a":[1]}'
 * describeValue('hunter2', 'password'); // '[REDACTED]'
 * ```
 */
export function describeValue(value: unknown, field?: string): string {
  if (field !== undefined && isSecretName(field)) return REDACTED;
  switch (typeof value) {
    case 'string':
      return shorten(JSON.stringify(redactUrlCredentials(value)));
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value.toString()}n`;
    case 'undefined':
      return 'undefined';
    case 'function':
      return 'a function';
    case 'symbol':
      return value.toString();
    default:
      return describeObject(value as object | null);
  }
}

function describeObject(value: object | null): string {
  if (value === null) return 'null';
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  }
  const kind = Array.isArray(value) ? 'an array' : 'an object';
  const prototype: unknown = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) return kind;
  try {
    return shorten(redactUrlCredentials(JSON.stringify(value)));
  } catch {
    // Circular structures cannot be shown as JSON; their kind still tells what was passed.
    return kind;
  }
}

function shorten(text: string): string {
  return text.length > MAX_SHOWN_LENGTH ? `${text.slice(0, MAX_SHOWN_LENGTH - 3)}...` : text;
}

/**
 * A thrown value as text for a message: an error's message, a thrown string as it is,
 * anything else as {@link describeValue} shows it. With `code`, the error's message follows
 * what failed: its string `code` (a Sagaflow error's, a Node or driver error's `ECONNRESET`)
 * or else its name (`TypeError`), as EventProcess records and failure replies store it. An
 * error with an empty message gives that code or name alone. Errors are recognised by shape
 * (an object with a string `message`), so one made in another realm reads the same. For a
 * structured log field, use `describeError`.
 *
 * @example
 * ```ts
 * errorMessage(new Error('boom')); // 'boom'
 * errorMessage('unknown command type'); // 'unknown command type'
 * errorMessage(new TypeError('x is undefined'), { code: true }); // 'TypeError: x is undefined'
 * errorMessage(new BusinessError('OUT_OF_STOCK', 'no stock'), { code: true }); // 'BUSINESS_FAILURE: no stock'
 * ```
 */
export function errorMessage(error: unknown, options: { readonly code?: boolean } = {}): string {
  if (typeof error === 'string') return error;
  if (!isErrorLike(error)) return describeValue(error);
  const { message, name, code } = error;
  const what =
    typeof code === 'string' ? code : typeof name === 'string' && name !== '' ? name : 'Error';
  if (message === '') return what;
  return options.code === true ? `${what}: ${message}` : message;
}

function isErrorLike(
  value: unknown,
): value is { readonly message: string; readonly name?: unknown; readonly code?: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** A schema issue as zod reports it: where, and what is wrong. */
export interface SchemaIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** At most this many issue lines are kept: a huge invalid value must not make a huge error. */
export const MAX_REPORTED_ISSUES = 20;

/**
 * One `path: message` line per schema issue (at most {@link MAX_REPORTED_ISSUES}, then a
 * line counting the rest). `root` names the value itself, e.g. the request part `body`.
 *
 * @example
 * ```ts
 * formatIssues(result.error.issues); // ['items[0].sku: Invalid input: expected string, received number']
 * formatIssues(result.error.issues, 'query'); // ['query.limit: Too big: expected number to be <=500']
 * ```
 */
export function formatIssues(issues: readonly SchemaIssue[], root?: string): string[] {
  const lines = issues
    .slice(0, MAX_REPORTED_ISSUES)
    .map((issue) => `${formatPath(issue.path, root)}: ${issue.message}`);
  if (issues.length > MAX_REPORTED_ISSUES) {
    lines.push(`… and ${issues.length - MAX_REPORTED_ISSUES} more`);
  }
  return lines;
}

/**
 * A property path, readably: `payload.items[0].sku`, `headers.last-event-id`, `meta["a b"]`;
 * `root` (or `(root)`) for the value itself.
 */
export function formatPath(path: readonly PropertyKey[], root?: string): string {
  let text = root ?? '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$-]*$/.test(segment)) {
      text += text === '' ? segment : `.${segment}`;
    } else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text === '' ? '(root)' : text;
}
