/**
 * `node tools/stack/dist/demo/main.js [--once] [--sagas N] [--concurrency N] [--seed N]`,
 * run by `npm run demo` (scripts/demo.sh, which installs, brings the infrastructure up and
 * builds first). See `DEMO_USAGE`.
 */
import { runCli } from '../cli';
import { runDemo } from './demo';
import { DEMO_USAGE, parseDemoArgs } from './demo-args';

runCli({
  name: 'demo',
  usage: DEMO_USAGE,
  parse: parseDemoArgs,
  run: (args) =>
    runDemo(args, { stdout: process.stdout, stderr: process.stderr, env: process.env }),
});
