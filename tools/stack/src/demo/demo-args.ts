import { integerOption, parseCliOptions } from '../cli';

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

/**
 * Parses the demo's arguments (`process.argv.slice(2)`); `--sagas=N` and `--sagas N` both
 * work. @throws CliArgsError naming the bad argument.
 *
 * @example
 * ```ts
 * parseDemoArgs(['--once', '--sagas', '50']); // { once: true, sagas: 50, concurrency: 16, seed: 1, help: false }
 * ```
 */
export function parseDemoArgs(argv: readonly string[]): DemoArgs {
  const values = parseCliOptions(argv, {
    once: { type: 'boolean' },
    sagas: { type: 'string' },
    concurrency: { type: 'string' },
    seed: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  const integer = (name: keyof typeof LIMITS): number =>
    integerOption(values, name, LIMITS[name], DEMO_DEFAULTS[name]);
  return {
    once: values.once === true,
    sagas: integer('sagas'),
    concurrency: integer('concurrency'),
    seed: integer('seed'),
    help: values.help === true,
  };
}
