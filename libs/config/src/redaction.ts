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
