import { errorMessage } from '@sagaflow/core';

import { type HealthCheck } from './ports/health-check';

/** The outcome of one {@link HealthCheck}. */
export interface HealthCheckResult {
  readonly name: string;
  readonly status: 'up' | 'down';
  /** How long it took, in milliseconds (the timeout when it timed out). */
  readonly durationMs: number;
  /** Why it is down. */
  readonly error?: string;
  /** The component's state, for checks that report one (`HealthCheck.state`). */
  readonly state?: string;
}

/** What `GET /ready` answers. */
export interface ReadinessReport {
  readonly status: 'ready' | 'not-ready';
  readonly checks: readonly HealthCheckResult[];
}

/** Keeps a dependency's error message readable in the report. */
const MAX_ERROR_LENGTH = 300;

/**
 * Runs every check in parallel, each with `timeoutMs`: ready when all resolve in time.
 * A check that throws or runs out of time is down, with the reason; its signal is aborted.
 *
 * @example
 * ```ts
 * const report = await runHealthChecks([{ name: 'mysql', check: () => ping() }], 2000);
 * report.status; // 'ready'
 * ```
 */
export async function runHealthChecks(
  checks: readonly HealthCheck[],
  timeoutMs: number,
): Promise<ReadinessReport> {
  const results = await Promise.all(checks.map((check) => runOne(check, timeoutMs)));
  return {
    status: results.every((result) => result.status === 'up') ? 'ready' : 'not-ready',
    checks: results,
  };
}

async function runOne(check: HealthCheck, timeoutMs: number): Promise<HealthCheckResult> {
  const controller = new AbortController();
  const startedAt = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    // A check that ignores its signal must not hold the report: the race ends the wait.
    await Promise.race([Promise.resolve().then(() => check.check(controller.signal)), timedOut]);
    return {
      name: check.name,
      status: 'up',
      durationMs: elapsedSince(startedAt),
      ...stateOf(check),
    };
  } catch (error: unknown) {
    controller.abort();
    return {
      name: check.name,
      status: 'down',
      durationMs: elapsedSince(startedAt),
      error: clip(errorMessage(error)),
      ...stateOf(check),
    };
  } finally {
    clearTimeout(timer);
  }
}

function stateOf(check: HealthCheck): { state?: string } {
  if (check.state === undefined) return {};
  try {
    return { state: check.state() };
  } catch (error: unknown) {
    return { state: `unknown (${clip(errorMessage(error))})` };
  }
}

function elapsedSince(startedAt: number): number {
  return Math.round(performance.now() - startedAt);
}

function clip(text: string): string {
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 3)}...` : text;
}
