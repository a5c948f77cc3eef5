import { isDeadlockError } from './is-duplicate-key-error';

/**
 * Runs `work` (a whole transaction) and runs it again, up to `maxRetries` more times, when
 * the server chose it as a deadlock victim — the transaction was rolled back, so running
 * it again is safe. Any other error, or the last deadlock, is thrown.
 */
export async function retryOnDeadlock<T>(maxRetries: number, work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= maxRetries || !isDeadlockError(error)) throw error;
    }
  }
}
