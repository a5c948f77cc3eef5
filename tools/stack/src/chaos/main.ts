/**
 * `node tools/stack/dist/chaos/main.js [--sagas N] [--concurrency N] [--seed N]
 * [--fault-seconds N] [--settle-seconds N] [--keep]`, run by `npm run chaos`
 * (scripts/chaos.sh, which installs, brings the infrastructure up and builds first). See
 * `CHAOS_USAGE`.
 */
import { runCli } from '../cli';
import { runChaos } from './chaos';
import { CHAOS_USAGE, parseChaosArgs } from './chaos-args';

runCli({
  name: 'chaos run',
  usage: CHAOS_USAGE,
  parse: parseChaosArgs,
  run: async (args) =>
    (await runChaos(args, { stdout: process.stdout, env: process.env })).ok ? 0 : 1,
});
