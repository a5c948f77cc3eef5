/**
 * `node tools/stack/dist/bench/main.js [--levels L] [--sagas N] [--warmup N] [--compare]`,
 * run by `npm run bench` (scripts/bench.sh, which installs, brings the infrastructure up and
 * builds first). See `BENCH_USAGE`.
 */
import { runCli } from '../cli';
import { runBench } from './bench';
import { BENCH_USAGE, parseBenchArgs } from './bench-args';

runCli({
  name: 'bench',
  usage: BENCH_USAGE,
  parse: parseBenchArgs,
  run: async (args) =>
    (await runBench(args, { stdout: process.stdout, env: process.env })).ok ? 0 : 1,
});
