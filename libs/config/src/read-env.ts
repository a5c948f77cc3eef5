import { describeValue, type FieldIssue, InvalidArgumentError } from '@sagaflow/core';

import { type EnvOutput, type EnvSchema, isEnvVar } from './env-var';

/** The environment as apps pass it in (`process.env`). */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads a typed configuration from an environment. Pure: the caller passes the
 * environment (apps pass `process.env`), so tests pass plain objects.
 *
 * Every variable is parsed, and a variable set under its former name is refused; if any fails, one `InvalidArgumentError` (`CONFIG_INVALID`)
 * lists them all, each with its value (secrets masked, URL credentials removed) and the
 * expected form.
 *
 * @example
 * ```ts
 * const config = readEnv(
 *   { http: { port: envVar('SAGAFLOW_HTTP_PORT', envPort(8080)) }, kafka: kafkaEnv({ clientId: 'x' }) },
 *   process.env,
 * );
 * config.http.port; // number
 * ```
 */
export function readEnv<const S extends EnvSchema<S>>(schema: S, env: Environment): EnvOutput<S> {
  const issues: FieldIssue[] = [];
  const output = readGroup(schema, env, issues);
  if (issues.length > 0) throw new InvalidArgumentError({ code: 'CONFIG_INVALID', issues });
  return output as EnvOutput<S>;
}

function readGroup(
  schema: object,
  env: Environment,
  issues: FieldIssue[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(schema) as [string, unknown][]) {
    if (!isEnvVar(node)) {
      if (typeof node !== 'object' || node === null) {
        throw new InvalidArgumentError({
          code: 'OPTIONS_INVALID',
          component: 'readEnv',
          issues: [{ field: key, value: String(node), expected: 'a nested group or an envVar()' }],
        });
      }
      out[key] = readGroup(node, env, issues);
      continue;
    }
    if (node.formerName !== undefined && env[node.formerName] !== undefined) {
      issues.push({
        field: node.formerName,
        value: describeValue(env[node.formerName], node.formerName),
        expected: `unset: it was renamed ${node.name}`,
      });
    }
    const raw = env[node.name];
    const result = node.parser.safeParse(raw);
    if (result.success) {
      out[key] = result.data;
    } else {
      issues.push({
        field: node.name,
        value: raw === undefined ? '(unset)' : describeValue(raw, node.name),
        expected: [...new Set(result.error.issues.map((i) => i.message))].join('; '),
      });
    }
  }
  return out;
}
