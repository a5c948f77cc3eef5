/**
 * `node apps/examples/dist/bench/main.js [--levels L] [--sagas N] [--warmup N] [--compare]`,
 * run by `npm run bench` (scripts/bench.sh, which installs, brings the infrastructure up and
 * builds first). See `BENCH_USAGE`.
 */
import { SagaflowError } from '@sagaflow/core';

import { runBench } from './bench';
import { BENCH_USAGE, BenchArgsError, parseBenchArgs } from './bench-args';

async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseBenchArgs(argv);
  } catch (error: unknown) {
    if (!(error instanceof BenchArgsError)) throw error;
    process.stderr.write(`${error.message}\n\n${BENCH_USAGE}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(BENCH_USAGE);
    return 0;
  }
  const report = await runBench(args, { stdout: process.stdout, env: process.env });
  return report.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exit(code);
  },
  (error: unknown) => {
    const message =
      error instanceof SagaflowError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    process.stderr.write(`bench failed: ${message}\n`);
    process.exit(1);
  },
);
