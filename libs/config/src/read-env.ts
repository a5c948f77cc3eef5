import { type ConfigIssue, ConfigError } from './config-error';
import { type EnvOutput, type EnvSchema, isEnvVar } from './env-var';
import { OptionsError } from './options-error';
import { isSecretName, REDACTED, redactUrlCredentials } from './redaction';

/** The environment as apps pass it in (`process.env`). */
export type Environment = Readonly<Record<string, string | undefined>>;

/** Longest raw value quoted in an error message; longer ones are cut. */
const MAX_SHOWN_VALUE = 120;

/**
 * Reads a typed configuration from an environment. Pure: the caller passes the
 * environment (apps pass `process.env`), so tests pass plain objects.
 *
 * Every variable is parsed; if any fails, one {@link ConfigError} lists them all, each with
 * its value (secrets masked, URL credentials removed) and the expected form.
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
  const issues: ConfigIssue[] = [];
  const output = readGroup(schema, env, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  return output as EnvOutput<S>;
}

function readGroup(
  schema: object,
  env: Environment,
  issues: ConfigIssue[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(schema) as [string, unknown][]) {
    if (!isEnvVar(node)) {
      if (typeof node !== 'object' || node === null) {
        throw new OptionsError('readEnv', [
          { field: key, value: String(node), expected: 'a nested group or an envVar()' },
        ]);
      }
      out[key] = readGroup(node, env, issues);
      continue;
    }
    const raw = env[node.name];
    const result = node.parser.safeParse(raw);
    if (result.success) {
      out[key] = result.data;
    } else {
      issues.push({
        variable: node.name,
        value: showValue(node.name, raw),
        expected: [...new Set(result.error.issues.map((i) => i.message))].join('; '),
      });
    }
  }
  return out;
}

function showValue(name: string, raw: string | undefined): string {
  if (raw === undefined) return '(unset)';
  if (isSecretName(name)) return REDACTED;
  const shown = redactUrlCredentials(raw);
  return JSON.stringify(
    shown.length > MAX_SHOWN_VALUE ? `${shown.slice(0, MAX_SHOWN_VALUE)}…` : shown,
  );
}
