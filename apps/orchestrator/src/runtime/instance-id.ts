import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

import { safeName } from '@sagaflow/config';

/** Host names can be long; the id stays readable and well within Kafka's limits. */
const MAX_HOST_LENGTH = 64;

/**
 * An instance id from its parts: `<host>-<pid>-<random>`, with every character outside
 * `[A-Za-z0-9._-]` of the host replaced by `-` and the host cut to 64 characters.
 *
 * @example
 * ```ts
 * instanceIdFrom('pod 7.local', 4242, 'a1b2c3'); // 'pod-7.local-4242-a1b2c3'
 * ```
 */
export function instanceIdFrom(host: string, pid: number, random: string): string {
  const safeHost = safeName(host).slice(0, MAX_HOST_LENGTH);
  return `${safeHost === '' ? 'host' : safeHost}-${pid}-${random}`;
}

/**
 * A new id for this process: host, pid and 6 random hex digits, so two processes — even
 * two restarts with the same pid in a container — never share one.
 */
export function newInstanceId(): string {
  return instanceIdFrom(hostname(), process.pid, randomBytes(3).toString('hex'));
}
