import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * What an API token may do, from least to most: `viewer` reads (every `GET` but the
 * probes), `operator` also starts sagas and takes every admin action (retry, abort,
 * resolve, replay, EventProcess retry), `admin` may do everything.
 */
export const API_ROLES = ['viewer', 'operator', 'admin'] as const;

/** One of {@link API_ROLES}. */
export type ApiRole = (typeof API_ROLES)[number];

/**
 * A configured API token: only its SHA-256 is stored. Its `name` is the actor recorded
 * with every action taken with it, and written on the request's log line.
 */
export interface ApiToken {
  /** 1–64 characters of `[A-Za-z0-9._-]`, unique among the tokens. */
  readonly name: string;
  readonly role: ApiRole;
  /** The hex SHA-256 of the token (64 lower-case hex digits). */
  readonly sha256: string;
}

/** The prefix of tokens made by {@link newApiToken}: tells a Sagaflow token in a secret store. */
export const API_TOKEN_PREFIX = 'sf_';

/** A token's name: it is recorded as the actor, so it stays short and log-safe. */
export const API_TOKEN_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/**
 * A new random API token: `sf_` and 32 random bytes in base64url (43 characters).
 *
 * @example
 * ```ts
 * const token = newApiToken(); // 'sf_Vq3…'
 * const entry = { name: 'ops', role: 'operator', sha256: hashApiToken(token) };
 * ```
 */
export function newApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** The hex SHA-256 of a token, as {@link ApiToken.sha256} stores it. */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True when a token of role `role` may use a route that needs `required`. */
export function roleAllows(role: ApiRole, required: ApiRole): boolean {
  return API_ROLES.indexOf(role) >= API_ROLES.indexOf(required);
}

/** True for one of {@link API_ROLES}. */
export function isApiRole(value: unknown): value is ApiRole {
  return (API_ROLES as readonly unknown[]).includes(value);
}

/**
 * Checks a list of token entries as configured (`{ name, role, sha256 }` each) and returns
 * one problem per bad entry and per duplicate name, `[]` when every entry is good. A
 * problem names the entry by position and name, never its hash.
 *
 * @example
 * ```ts
 * apiTokenProblems([{ name: 'ops', role: 'root', sha256: '…' }]);
 * // ["entry 1 ('ops'): role \"root\" is not viewer, operator or admin"]
 * ```
 */
export function apiTokenProblems(entries: readonly unknown[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const at = `entry ${index + 1}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`${at}: not an object { name, role, sha256 }`);
      return;
    }
    const { name, role, sha256, ...rest } = entry as Record<string, unknown>;
    const validName = typeof name === 'string' && API_TOKEN_NAME_PATTERN.test(name);
    const label = validName ? `${at} ('${name}')` : at;
    if (!validName) problems.push(`${at}: name must be 1 to 64 characters of [A-Za-z0-9._-]`);
    if (!isApiRole(role)) {
      // Shown only when it looks like a word: a hash in the wrong place is never printed.
      const shown = typeof role === 'string' && /^[A-Za-z-]{1,16}$/.test(role) ? ` "${role}"` : '';
      problems.push(`${label}: role${shown} is not viewer, operator or admin`);
    }
    if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) {
      problems.push(`${label}: sha256 must be 64 hex digits (the SHA-256 of the token)`);
    }
    const unknown = Object.keys(rest);
    if (unknown.length > 0) problems.push(`${label}: unknown field ${unknown.join(', ')}`);
    if (validName) {
      if (seen.has(name)) problems.push(`${label}: the name is taken by an earlier entry`);
      seen.add(name);
    }
  });
  return problems;
}

/**
 * Finds which configured token a presented one is. The presented token is hashed, and its
 * hash compared with every configured hash with `crypto.timingSafeEqual`, all of them
 * whatever matched: the time taken tells neither whether nor which token matched.
 *
 * @example
 * ```ts
 * const verifier = new ApiTokenVerifier(config.api.tokens);
 * verifier.verify(bearerToken)?.name; // 'ops', or undefined for an unknown token
 * ```
 */
export class ApiTokenVerifier {
  readonly #tokens: readonly { readonly token: ApiToken; readonly digest: Buffer }[];

  /** @param tokens valid entries (see {@link apiTokenProblems}). */
  constructor(tokens: readonly ApiToken[]) {
    this.#tokens = tokens.map((token) => ({
      token: { ...token, sha256: token.sha256.toLowerCase() },
      digest: Buffer.from(token.sha256, 'hex'),
    }));
  }

  /** How many tokens are configured. */
  get size(): number {
    return this.#tokens.length;
  }

  /** The configured token whose hash is the presented token's, else undefined. */
  verify(presented: string): ApiToken | undefined {
    const digest = createHash('sha256').update(presented, 'utf8').digest();
    let found: ApiToken | undefined;
    for (const entry of this.#tokens) {
      // No early exit: every hash is compared, the match only remembered.
      if (timingSafeEqual(entry.digest, digest) && found === undefined) found = entry.token;
    }
    return found;
  }
}
