import { parseArgs } from 'node:util';

import { errorMessage } from '@sagaflow/core';

import {
  API_ROLES,
  API_TOKEN_NAME_PATTERN,
  hashApiToken,
  isApiRole,
  newApiToken,
} from './http/api-tokens';

/** `npm run token -- --help`. */
export const TOKEN_USAGE = `usage: npm run token -- --name NAME --role viewer|operator|admin
       node apps/orchestrator/dist/token.js --name NAME --role viewer|operator|admin

Makes a new API token for the orchestrator's HTTP API and prints it once, with the line
that gives the orchestrator its hash (the token itself is stored nowhere: keep it in your
secret store).

  --name NAME   who uses it, 1-64 characters of [A-Za-z0-9._-]: the actor recorded with
                every action taken with the token
  --role ROLE   viewer (reads), operator (starts sagas, admin actions) or admin (everything)
  -h, --help    this text
`;

/** What {@link runTokenCommand} prints, and its exit code. */
export interface TokenCommandResult {
  readonly exitCode: 0 | 1 | 2;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `npm run token -- --name ops --role operator`: a new random token (`sf_…`), and its
 * entry for `SAGAFLOW_API_TOKENS` and for the `SAGAFLOW_API_TOKENS_FILE` list. Exit code 2
 * with the usage for bad arguments.
 *
 * @example
 * ```ts
 * runTokenCommand(['--name', 'ops', '--role', 'operator'], newApiToken).stdout;
 * ```
 */
export function runTokenCommand(
  argv: readonly string[],
  mint: () => string = newApiToken,
): TokenCommandResult {
  let values: { name?: string | undefined; role?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        name: { type: 'string' },
        role: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error: unknown) {
    return usageError(errorMessage(error));
  }
  if (values.help === true) return { exitCode: 0, stdout: TOKEN_USAGE, stderr: '' };
  const { name, role } = values;
  if (name === undefined || !API_TOKEN_NAME_PATTERN.test(name)) {
    return usageError('--name must be 1 to 64 characters of [A-Za-z0-9._-]');
  }
  if (!isApiRole(role)) return usageError(`--role must be one of ${API_ROLES.join(', ')}`);
  const token = mint();
  const sha256 = hashApiToken(token);
  const stdout = [
    `API token '${name}' (${role}); it is shown this once, keep it in your secret store:`,
    '',
    `  ${token}`,
    '',
    'Clients send it as:',
    '',
    `  Authorization: Bearer ${token}`,
    '',
    'Give the orchestrator its hash, in SAGAFLOW_API_TOKENS (entries separated by commas):',
    '',
    `  ${name}:${role}:${sha256}`,
    '',
    'or as an entry of the JSON list in the SAGAFLOW_API_TOKENS_FILE file:',
    '',
    `  ${JSON.stringify({ name, role, sha256 })}`,
    '',
  ].join('\n');
  return { exitCode: 0, stdout, stderr: '' };
}

function usageError(problem: string): TokenCommandResult {
  return { exitCode: 2, stdout: '', stderr: `${problem}\n\n${TOKEN_USAGE}` };
}
