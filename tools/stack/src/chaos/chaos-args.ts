import { integerOption, parseCliOptions } from '../cli';

/** What `npm run chaos -- …` asks for. */
export interface ChaosArgs {
  /** Place-order sagas to run. */
  readonly sagas: number;
  /** Sagas in flight at most. */
  readonly concurrency: number;
  /** Seed of the order mix and of the fault schedule: the same seed, the same run plan. */
  readonly seed: number;
  /** How long faults are injected, from the first saga on, in seconds. */
  readonly faultSeconds: number;
  /** How long the system may take to settle once the faults stop, in seconds. */
  readonly settleSeconds: number;
  /** Keep the run's databases, topics and Redis keys (and print where) instead of removing them. */
  readonly keep: boolean;
  readonly help: boolean;
}

/** The chaos run's defaults. */
export const CHAOS_DEFAULTS: Omit<ChaosArgs, 'help'> = {
  sagas: 2_000,
  concurrency: 32,
  seed: 1,
  faultSeconds: 180,
  settleSeconds: 300,
  keep: false,
};

const LIMITS = {
  sagas: { min: 1, max: 100_000 },
  concurrency: { min: 1, max: 1_000 },
  seed: { min: 0, max: 2 ** 32 - 1 },
  'fault-seconds': { min: 0, max: 86_400 },
  'settle-seconds': { min: 10, max: 86_400 },
} as const;

/** `npm run chaos -- --help`. */
export const CHAOS_USAGE = `usage: npm run chaos -- [--sagas N] [--concurrency N] [--seed N]
                        [--fault-seconds N] [--settle-seconds N] [--keep]

Starts Kafka, MariaDB and Redis if needed, then two orchestrators and the order, payment
and inventory services as separate processes under a run prefix of their own, and runs
place-order sagas (the demo's mix, plus unknown customers and SKUs) while, on a seeded
schedule, it SIGKILLs and restarts a random process every 3–5 s, freezes a participant
(SIGSTOP for 30–60 s, then SIGCONT), deletes the run's Redis keys and restarts the Kafka
broker. Then it waits for the system to settle and checks, from the databases, that no
saga was lost, no effect applied twice and no saga parked for a step that applied. Prints
the faults, the sagas by final state, each invariant, the settle time and the throughput;
exits 1 on any violation.

  --sagas N            sagas to run, ${LIMITS.sagas.min}–${LIMITS.sagas.max} (default ${CHAOS_DEFAULTS.sagas})
  --concurrency N      sagas in flight at most (default ${CHAOS_DEFAULTS.concurrency})
  --seed N             seed of the orders and of the fault schedule (default ${CHAOS_DEFAULTS.seed})
  --fault-seconds N    how long faults are injected (default ${CHAOS_DEFAULTS.faultSeconds}; 0: none)
  --settle-seconds N   how long the system may take to settle afterwards (default ${CHAOS_DEFAULTS.settleSeconds})
  --keep               keep the run's databases, topics and Redis keys for inspection
  -h, --help           this text
`;

/**
 * Parses the chaos run's arguments (`process.argv.slice(2)`). @throws CliArgsError naming
 * the bad argument.
 *
 * @example
 * ```ts
 * parseChaosArgs(['--sagas', '5000']).sagas; // 5000
 * ```
 */
export function parseChaosArgs(argv: readonly string[]): ChaosArgs {
  const values = parseCliOptions(argv, {
    sagas: { type: 'string' },
    concurrency: { type: 'string' },
    seed: { type: 'string' },
    'fault-seconds': { type: 'string' },
    'settle-seconds': { type: 'string' },
    keep: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  const integer = (name: keyof typeof LIMITS, fallback: number): number =>
    integerOption(values, name, LIMITS[name], fallback);
  const d = CHAOS_DEFAULTS;
  return {
    sagas: integer('sagas', d.sagas),
    concurrency: integer('concurrency', d.concurrency),
    seed: integer('seed', d.seed),
    faultSeconds: integer('fault-seconds', d.faultSeconds),
    settleSeconds: integer('settle-seconds', d.settleSeconds),
    keep: values.keep === true,
    help: values.help === true,
  };
}
