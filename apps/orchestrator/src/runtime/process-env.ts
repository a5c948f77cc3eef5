import { type Environment, envText, envVar, readEnv } from '@sagaflow/config';

/**
 * The variables `main.ts` reads besides the service configuration (`config.ts`): what to
 * run, and who runs it.
 */
const processEnv = {
  /**
   * `SAGAFLOW_SAGAS_MODULE`: the module exporting `definitions`, resolved from the working
   * directory like `require` (`./dist/sagas.js`, `/srv/app/sagas.js`, `@acme/sagas`). Required.
   */
  sagasModule: envVar('SAGAFLOW_SAGAS_MODULE', envText()),
  /**
   * `SAGAFLOW_INSTANCE_ID`: this process among the instances, e.g. the pod name; empty for a
   * new id per process. @defaultValue `''` (host, pid and a random suffix)
   */
  instanceId: envVar(
    'SAGAFLOW_INSTANCE_ID',
    envText({
      default: '',
      allowEmpty: true,
      pattern: {
        regex: /^[A-Za-z0-9._-]{1,128}$/,
        description: '1 to 128 characters [A-Za-z0-9._-]',
      },
    }),
  ),
};

/** What {@link loadProcessEnv} returns. */
export interface ProcessEnv {
  readonly sagasModule: string;
  /** Null when unset: each process gets a new one. */
  readonly instanceId: string | null;
}

/**
 * Reads `SAGAFLOW_SAGAS_MODULE` and `SAGAFLOW_INSTANCE_ID`.
 *
 * @throws ConfigError naming every bad variable, its value and the expected form.
 *
 * @example
 * ```ts
 * const { sagasModule } = loadProcessEnv(process.env);
 * ```
 */
export function loadProcessEnv(env: Environment): ProcessEnv {
  const { sagasModule, instanceId } = readEnv(processEnv, env);
  return { sagasModule, instanceId: instanceId === '' ? null : instanceId };
}
