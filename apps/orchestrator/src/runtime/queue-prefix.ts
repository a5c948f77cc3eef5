/**
 * The BullMQ queue prefix of a deployment, derived from its Redis key prefix so that one
 * setting (`SAGAFLOW_REDIS_KEY_PREFIX`) separates both: every character BullMQ does not
 * take in queue names (`:` above all) becomes `-`.
 *
 * @example
 * ```ts
 * queuePrefixFor('sagaflow:orchestrator:'); // 'sagaflow-orchestrator-'
 * ```
 */
export function queuePrefixFor(keyPrefix: string): string {
  return keyPrefix.replace(/[^A-Za-z0-9._-]/g, '-');
}
