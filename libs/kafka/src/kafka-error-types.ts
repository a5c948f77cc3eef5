/**
 * Protocol errors that mean "a newer producer owns this transactional id". Kafka 4 answers
 * `PRODUCER_FENCED` only to clients that speak the newer request versions; kafkajs's older
 * versions get `INVALID_PRODUCER_EPOCH`, which also covers a transaction the broker expired.
 */
const FENCING_ERROR_TYPES: ReadonlySet<string> = new Set([
  'INVALID_PRODUCER_EPOCH',
  'PRODUCER_FENCED',
]);

/** Every error in a kafkajs error's `cause` chain and aggregated `errors`. */
function* errorChain(error: unknown, depth = 0): Generator {
  if (depth > 10 || typeof error !== 'object' || error === null) return;
  yield error;
  const { cause, errors } = error as { cause?: unknown; errors?: unknown };
  yield* errorChain(cause, depth + 1);
  if (Array.isArray(errors)) {
    for (const inner of errors) yield* errorChain(inner, depth + 1);
  }
}

/** True when kafkajs failed because the broker fenced the producer. */
export function isFencingError(error: unknown): boolean {
  for (const e of errorChain(error)) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && FENCING_ERROR_TYPES.has(type)) return true;
  }
  return false;
}
