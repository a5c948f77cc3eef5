/**
 * `node apps/examples/dist/chaos/main.js [--sagas N] [--concurrency N] [--seed N]
 * [--fault-seconds N] [--settle-seconds N] [--keep]`, run by `npm run chaos`
 * (scripts/chaos.sh, which installs, brings the infrastructure up and builds first). See
 * `CHAOS_USAGE`.
 */
import { SagaflowError } from '@sagaflow/core';

import { runChaos } from './chaos';
import { CHAOS_USAGE, ChaosArgsError, parseChaosArgs } from './chaos-args';

async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseChaosArgs(argv);
  } catch (error: unknown) {
    if (!(error instanceof ChaosArgsError)) throw error;
    process.stderr.write(`${error.message}\n\n${CHAOS_USAGE}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(CHAOS_USAGE);
    return 0;
  }
  const report = await runChaos(args, { stdout: process.stdout, env: process.env });
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
    process.stderr.write(`chaos run failed: ${message}\n`);
    process.exit(1);
  },
);
