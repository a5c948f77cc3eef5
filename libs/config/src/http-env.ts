import { envHost, envPort } from './env-parsers';
import { type EnvVar, envVar } from './env-var';
import { INFRA_DEFAULTS } from './infra-defaults';

/** Per-service defaults of {@link httpEnv}. */
export interface HttpEnvDefaults {
  /** The service's HTTP port, e.g. `8080` for the orchestrator. */
  readonly port: number;
}

/** The HTTP section of a configuration schema. */
export interface HttpEnvSchema {
  /** `SAGAFLOW_HTTP_HOST`: the address to bind (`0.0.0.0` in containers). @defaultValue `127.0.0.1` */
  readonly host: EnvVar<string>;
  /** `SAGAFLOW_HTTP_PORT`. @defaultValue the service's port */
  readonly port: EnvVar<number>;
}

/**
 * HTTP listener variables.
 *
 * @example
 * ```ts
 * readEnv({ http: httpEnv({ port: 8080 }) }, process.env).http.port;
 * ```
 */
export function httpEnv(defaults: HttpEnvDefaults): HttpEnvSchema {
  return {
    host: envVar('SAGAFLOW_HTTP_HOST', envHost(INFRA_DEFAULTS.http.host)),
    port: envVar('SAGAFLOW_HTTP_PORT', envPort(defaults.port)),
  };
}
