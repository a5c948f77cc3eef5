import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { type EnvParser } from '@sagaflow/config';
import { InvalidArgumentError } from '@sagaflow/core';
import { z } from 'zod';

import { type ApiToken, apiTokenProblems } from './http/api-tokens';

/** `SAGAFLOW_API_TOKENS`: tokens in the compact form. */
export const API_TOKENS_VARIABLE = 'SAGAFLOW_API_TOKENS';
/** `SAGAFLOW_API_TOKENS_FILE`: a JSON file of tokens. */
export const API_TOKENS_FILE_VARIABLE = 'SAGAFLOW_API_TOKENS_FILE';

const COMPACT_FORM = 'comma-separated name:role:sha256 entries';

/**
 * The parser of `SAGAFLOW_API_TOKENS`: comma-separated `name:role:sha256` entries (blanks
 * around them ignored), `[]` when unset or blank. The error names the bad entries by
 * position and name, never a hash.
 *
 * @example
 * ```ts
 * envVar('SAGAFLOW_API_TOKENS', apiTokensEnv());
 * // 'ops:operator:9f86d0…,grafana:viewer:2c26b4…' → [{ name: 'ops', role: 'operator', sha256: '9f86d0…' }, …]
 * ```
 */
export function apiTokensEnv(): EnvParser<readonly ApiToken[]> {
  return z
    .string()
    .optional()
    .transform((raw, ctx): readonly ApiToken[] => {
      const entries = (raw ?? '')
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '');
      // A short or long entry still yields an object: its missing or extra part is named.
      const parsed = entries.map((entry) => {
        const [name, role, ...hash] = entry.split(':');
        return { name, role, sha256: hash.length === 0 ? undefined : hash.join(':') };
      });
      const problems = apiTokenProblems(parsed);
      if (problems.length > 0) {
        ctx.addIssue({ code: 'custom', message: `${COMPACT_FORM} (${problems.join('; ')})` });
        return z.NEVER;
      }
      return parsed as ApiToken[];
    });
}

/**
 * Reads the tokens of `SAGAFLOW_API_TOKENS_FILE`: a JSON list of `{ name, role, sha256 }`,
 * the path resolved from `cwd`.
 *
 * @throws InvalidArgumentError naming the variable, the path and what is wrong (unreadable, not
 * JSON, a bad entry by position and name), never a hash.
 */
export function readApiTokensFile(path: string, cwd: string): readonly ApiToken[] {
  const fail = (expected: string): never => {
    throw new InvalidArgumentError({
      code: 'CONFIG_INVALID',
      issues: [{ field: API_TOKENS_FILE_VARIABLE, value: JSON.stringify(path), expected }],
    });
  };
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), 'utf8');
  } catch (error: unknown) {
    const code = (error as { code?: unknown }).code;
    return fail(`a readable file (${typeof code === 'string' ? code : 'read failed'})`);
  }
  let entries: unknown;
  try {
    entries = JSON.parse(text);
  } catch {
    return fail('a JSON list of { name, role, sha256 } (the file is not JSON)');
  }
  if (!Array.isArray(entries)) return fail('a JSON list of { name, role, sha256 }');
  const problems = apiTokenProblems(entries);
  if (problems.length > 0) {
    return fail(`a JSON list of { name, role, sha256 } (${problems.join('; ')})`);
  }
  return entries as ApiToken[];
}

/**
 * The tokens of both variables together.
 *
 * @throws InvalidArgumentError when a name is in both.
 */
export function mergeApiTokens(
  fromEnv: readonly ApiToken[],
  fromFile: readonly ApiToken[],
): readonly ApiToken[] {
  const names = new Set(fromEnv.map((token) => token.name));
  const twice = fromFile.filter((token) => names.has(token.name)).map((token) => token.name);
  if (twice.length > 0) {
    throw new InvalidArgumentError({
      code: 'CONFIG_INVALID',
      issues: [
        {
          field: API_TOKENS_FILE_VARIABLE,
          value: `(names ${twice.join(', ')})`,
          expected: `token names not also in ${API_TOKENS_VARIABLE}`,
        },
      ],
    });
  }
  return [...fromEnv, ...fromFile].map((token) => ({
    ...token,
    sha256: token.sha256.toLowerCase(),
  }));
}
