import { parseArgs } from 'node:util';

import { SagaflowError } from '@sagaflow/core';

/** What `npm run demo -- …` asks for. */
export interface DemoArgs {
  /** Exit after the summary instead of keeping the services up. */
  readonly once: boolean;
  /** Place-order sagas to run. */
  readonly sagas: number;
  /** Sagas in flight at most. */
  readonly concurrency: number;
  /** Seed of the order mix: the same seed places the same orders. */
  readonly seed: number;
  readonly help: boolean;
}

/** The demo's defaults. */
export const DEMO_DEFAULTS: Omit<DemoArgs, 'help'> = {
  once: false,
  sagas: 300,
  concurrency: 16,
  seed: 1,
};

const LIMITS = {
  sagas: { min: 1, max: 100_000 },
  concurrency: { min: 1, max: 1_000 },
  seed: { min: 0, max: 2 ** 32 - 1 },
} as const;

/** `npm run demo -- --help`. */
export const DEMO_USAGE = `usage: npm run demo -- [--once] [--sagas N] [--concurrency N] [--seed N]

Starts Kafka, MariaDB and Redis if needed, then the orchestrator and the order, payment and
inventory services as separate processes, runs place-order sagas through the orchestrator's
HTTP API and prints a summary. The demo resets its own state first: the databases sagaflow,
sagaflow_orders, sagaflow_payments and sagaflow_inventory are dropped, and the topics and
consumer groups prefixed "sagaflow.demo." and the Redis keys prefixed "sagaflow:demo:" are
deleted.

  --once            exit after the summary (exit code 1 if a check failed) instead of
                    keeping the services up until Ctrl-C
  --sagas N         sagas to run, ${LIMITS.sagas.min}–${LIMITS.sagas.max} (default ${DEMO_DEFAULTS.sagas})
  --concurrency N   sagas in flight at most, ${LIMITS.concurrency.min}–${LIMITS.concurrency.max} (default ${DEMO_DEFAULTS.concurrency})
  --seed N          seed of the order mix (default ${DEMO_DEFAULTS.seed})
  -h, --help        this text
`;

/** The demo's command line is wrong; the message says what and {@link DEMO_USAGE} how. */
export class DemoArgsError extends SagaflowError {
  readonly code = 'DEMO_ARGS_INVALID';
  readonly retryable = false;
}

/**
 * Parses the demo's arguments (`process.argv.slice(2)`); `--sagas=N` and `--sagas N` both
 * work. @throws DemoArgsError naming the bad argument.
 *
 * @example
 * ```ts
 * parseDemoArgs(['--once', '--sagas', '50']); // { once: true, sagas: 50, concurrency: 16, seed: 1, help: false }
 * ```
 */
export function parseDemoArgs(argv: readonly string[]): DemoArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        once: { type: 'boolean' },
        sagas: { type: 'string' },
        concurrency: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error: unknown) {
    throw new DemoArgsError(error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  }
  const integer = (name: keyof typeof LIMITS): number => {
    const raw = values[name];
    if (raw === undefined) return DEMO_DEFAULTS[name];
    const { min, max } = LIMITS[name];
    const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new DemoArgsError(
        `--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`,
      );
    }
    return value;
  };
  return {
    once: values.once === true,
    sagas: integer('sagas'),
    concurrency: integer('concurrency'),
    seed: integer('seed'),
    help: values.help === true,
  };
}
