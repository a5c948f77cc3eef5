import { integerOption, parseCliOptions, toInteger } from '../cli';

/** What `npm run bench -- …` asks for. */
export interface BenchArgs {
  /** Sagas in flight, one measured run per level, in order. */
  readonly levels: readonly number[];
  /** Measured sagas per level. */
  readonly sagas: number;
  /** Sagas run before each level's measurement, not counted. */
  readonly warmup: number;
  /** Also run the peer benchmark with the same levels and counts, and print the ratios. */
  readonly compare: boolean;
  /** The peer benchmark's script, relative to the repository root or absolute. */
  readonly peerScript: string;
  readonly help: boolean;
}

/** The benchmark's defaults. */
export const BENCH_DEFAULTS: Omit<BenchArgs, 'help'> = {
  levels: [16, 64, 256],
  sagas: 2_000,
  warmup: 200,
  compare: false,
  peerScript: '../shared/peers/restate-saga/run.sh',
};

/** `npm run bench -- --help`. */
export const BENCH_USAGE = `usage: npm run bench -- [--levels 16,64,256] [--sagas N] [--warmup N] [--compare]
                        [--peer-script PATH]

Starts Kafka, MariaDB and Redis if needed, then the orchestrator and the order, payment and
inventory services under a run prefix of their own, and drives the place-order saga
closed-loop through the orchestrator's API at each level of sagas in flight: a warm-up, then
the measured sagas, every tenth compensated at reserve-stock. Per level it prints a JSON line
and a table row: sagas/s, saga latency percentiles (start to terminal state), machine CPU,
and the CPU and RSS of each process. After each level it checks the databases as the demo
does and fails on any inconsistency.

  --levels L          comma-separated sagas in flight (default ${BENCH_DEFAULTS.levels.join(',')})
  --sagas N           measured sagas per level (default ${BENCH_DEFAULTS.sagas})
  --warmup N          warm-up sagas per level (default ${BENCH_DEFAULTS.warmup})
  --compare           also run the peer benchmark (--peer-script) with the same levels and
                      counts when it exists, and print Sagaflow/peer ratios
  --peer-script PATH  the peer benchmark (default ${BENCH_DEFAULTS.peerScript})
  -h, --help          this text
`;

/**
 * Parses the benchmark's arguments (`process.argv.slice(2)`). @throws CliArgsError naming
 * the bad argument.
 *
 * @example
 * ```ts
 * parseBenchArgs(['--levels', '16,64', '--compare']).levels; // [16, 64]
 * ```
 */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const values = parseCliOptions(argv, {
    levels: { type: 'string' },
    sagas: { type: 'string' },
    warmup: { type: 'string' },
    compare: { type: 'boolean' },
    'peer-script': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  const levels = values.levels;
  const peerScript = values['peer-script'];
  return {
    levels:
      typeof levels === 'string'
        ? levels
            .split(',')
            .map((level) => toInteger(level.trim(), '--levels', { min: 1, max: 4_096 }))
        : BENCH_DEFAULTS.levels,
    sagas: integerOption(values, 'sagas', { min: 1, max: 1_000_000 }, BENCH_DEFAULTS.sagas),
    warmup: integerOption(values, 'warmup', { min: 0, max: 100_000 }, BENCH_DEFAULTS.warmup),
    compare: values.compare === true,
    peerScript: typeof peerScript === 'string' ? peerScript : BENCH_DEFAULTS.peerScript,
    help: values.help === true,
  };
}
