import { envInteger } from './env-parsers';
import { type EnvVar, envVar } from './env-var';

/** Per-service defaults of {@link eventProcessLeaseEnv}. */
export interface EventProcessLeaseEnvDefaults {
  /** The service's lease in ms: longer than its handlers ever take. */
  readonly leaseMs: number;
}

/**
 * `SAGAFLOW_WORKER_CONCURRENCY`: EventProcess records a process works on at once, 1–256.
 *
 * @defaultValue `4`
 * @example
 * ```ts
 * readEnv({ workerConcurrency: workerConcurrencyEnv() }, process.env).workerConcurrency; // 4
 * ```
 */
export function workerConcurrencyEnv(): EnvVar<number> {
  return envVar('SAGAFLOW_WORKER_CONCURRENCY', envInteger({ default: 4, min: 1, max: 256 }));
}

/**
 * `SAGAFLOW_EVENT_PROCESS_LEASE_MS`: how long a claimed EventProcess record is kept from other
 * workers, and how long a RECEIVED or PROCESSING record must sit untouched to count as
 * abandoned (recovery requeues it), 1000–3600000.
 *
 * @defaultValue the service's lease
 * @example
 * ```ts
 * readEnv({ eventProcessLeaseMs: eventProcessLeaseEnv({ leaseMs: 60_000 }) }, process.env).eventProcessLeaseMs; // 60000
 * ```
 */
export function eventProcessLeaseEnv(defaults: EventProcessLeaseEnvDefaults): EnvVar<number> {
  return envVar(
    'SAGAFLOW_EVENT_PROCESS_LEASE_MS',
    envInteger({ default: defaults.leaseMs, min: 1000, max: 3_600_000 }),
    { formerName: 'SAGAFLOW_INBOX_LEASE_MS' },
  );
}
