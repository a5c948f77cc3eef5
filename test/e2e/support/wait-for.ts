import { setTimeout as sleep } from 'node:timers/promises';

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  readonly timeoutMs: number;
  /** @defaultValue `200` */
  readonly intervalMs?: number;
  /** Says what was awaited, for the error. */
  readonly what: string;
}

/**
 * Polls `probe` until it returns a value other than `undefined`, and resolves with it; fails
 * after `timeoutMs` with the last value `describe` gives (the state the wait gave up on).
 *
 * @example
 * ```ts
 * const rows = await waitFor(async () => ((await count()) === 6 ? rows : undefined), { timeoutMs: 30_000, what: '6 dead letters' });
 * ```
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  options: WaitForOptions,
  describe: () => Promise<string> | string = () => '',
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) {
      const state = await describe();
      throw new Error(
        `timed out after ${options.timeoutMs} ms waiting for ${options.what}${state === '' ? '' : `: ${state}`}`,
      );
    }
    await sleep(options.intervalMs ?? 200);
  }
}
