import { envText } from './env-parsers';
import { type EnvVar, envVar } from './env-var';

/**
 * What an instance id may hold: it ends up in a Kafka transactional id (and in BullMQ and
 * Redis connection names), so only `[A-Za-z0-9._-]`, at most 128.
 */
export const INSTANCE_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * `text` with every character outside `[A-Za-z0-9._-]` replaced by `-`, for names built
 * from free text: a deployment's BullMQ queue prefix from its Redis key prefix (BullMQ
 * forbids `:` in queue names), an instance id from a host name.
 *
 * @example
 * ```ts
 * safeName('sagaflow:payment-service:'); // 'sagaflow-payment-service-'
 * safeName('pod 7.local'); // 'pod-7.local'
 * ```
 */
export function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '-');
}

/**
 * `SAGAFLOW_INSTANCE_ID`: this process among a service's instances (a pod name), stable
 * across its restarts, so a restarted instance fences its predecessor's relay transaction;
 * null when unset or empty, for the service to pick its own.
 *
 * @defaultValue `null`
 * @example
 * ```ts
 * readEnv({ instanceId: instanceIdEnv() }, { SAGAFLOW_INSTANCE_ID: 'pod-7' }).instanceId; // 'pod-7'
 * ```
 */
export function instanceIdEnv(): EnvVar<string | null> {
  return envVar(
    'SAGAFLOW_INSTANCE_ID',
    envText({
      default: '',
      allowEmpty: true,
      pattern: { regex: INSTANCE_ID_PATTERN, description: '1 to 128 characters [A-Za-z0-9._-]' },
    }).transform((id) => (id === '' ? null : id)),
  );
}
