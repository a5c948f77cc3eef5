/**
 * `node apps/examples/dist/demo/main.js [--once] [--sagas N] [--concurrency N] [--seed N]`,
 * run by `npm run demo` (scripts/demo.sh, which installs, brings the infrastructure up and
 * builds first). See `DEMO_USAGE`.
 */
import { SagaflowError } from '@sagaflow/core';

import { runDemo } from './demo';
import { DEMO_USAGE, DemoArgsError, parseDemoArgs } from './demo-args';

async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseDemoArgs(argv);
  } catch (error: unknown) {
    if (!(error instanceof DemoArgsError)) throw error;
    process.stderr.write(`${error.message}\n\n${DEMO_USAGE}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(DEMO_USAGE);
    return 0;
  }
  return runDemo(args, { stdout: process.stdout, stderr: process.stderr, env: process.env });
}

main(process.argv.slice(2)).then(
  (code) => {
    // Idle keep-alive sockets would hold the process open for a few seconds more.
    process.exit(code);
  },
  (error: unknown) => {
    // Sagaflow's errors say what went wrong and what to look at; others need their stack.
    const message =
      error instanceof SagaflowError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    process.stderr.write(`demo failed: ${message}\n`);
    process.exit(1);
  },
);
