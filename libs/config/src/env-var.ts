import type { z } from 'zod';

/**
 * A zod schema that turns one variable's raw value (`string`, or `undefined` when unset)
 * into its typed value. The schema's issue messages are used as the "expected" form of
 * the configuration error, so write them as a noun phrase: `an integer from 1 to 65535`.
 */
export type EnvParser<T> = z.ZodType<T, string | undefined>;

/** One environment variable and the parser for its value; a leaf of an {@link EnvSchema}. */
export interface EnvVar<T> {
  readonly kind: 'env-var';
  readonly name: string;
  readonly parser: EnvParser<T>;
  /**
   * The variable's name before it was renamed: {@link readEnv} refuses an environment that
   * still sets it, naming the new one, rather than ignore the setting.
   */
  readonly formerName?: string;
}

/**
 * The shape of a configuration `S`: nested plain objects (interfaces are fine) whose leaves
 * are {@link EnvVar}s. {@link readEnv} returns the same shape with each leaf replaced by its
 * parsed value.
 */
export type EnvSchema<S> = {
  readonly [K in keyof S]: S[K] extends EnvVar<unknown> ? S[K] : EnvSchema<S[K]>;
};

/** The typed configuration {@link readEnv} returns for a schema `S`. */
export type EnvOutput<S> =
  S extends EnvVar<infer T> ? T : { readonly [K in keyof S]: EnvOutput<S[K]> };

/**
 * Declares one environment variable.
 *
 * @example
 * ```ts
 * const schema = { http: { port: envVar('SAGAFLOW_HTTP_PORT', envPort(8080)) } };
 * readEnv(schema, { SAGAFLOW_HTTP_PORT: '9000' }).http.port; // 9000
 * ```
 */
export function envVar<T>(
  name: string,
  parser: EnvParser<T>,
  renamed: { readonly formerName?: string } = {},
): EnvVar<T> {
  return { kind: 'env-var', name, parser, ...renamed };
}

/** True when a schema node is a variable rather than a nested group. */
export function isEnvVar(node: unknown): node is EnvVar<unknown> {
  return (
    typeof node === 'object' &&
    node !== null &&
    'kind' in node &&
    node.kind === 'env-var' &&
    'parser' in node
  );
}
