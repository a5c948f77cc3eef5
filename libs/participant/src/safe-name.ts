/**
 * `text` with every character outside `[A-Za-z0-9._-]` replaced by `-`: a Redis key prefix
 * (`sagaflow:payment-service:`) becomes a BullMQ queue prefix (`sagaflow-payment-service-`),
 * a host name becomes part of a Kafka transactional id.
 *
 * @example
 * ```ts
 * safeName('sagaflow:payment-service:'); // 'sagaflow-payment-service-'
 * ```
 */
export function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '-');
}
