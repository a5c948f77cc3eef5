#!/usr/bin/env node
/**
 * `sagaflow`, the operators' command line: `node apps/cli/dist/main.js <command>` (`npm run
 * sagaflow -- <command>` from the sources). See `runCli` and the README. Ctrl-C ends what
 * runs (exit 130); a second one ends the process at once.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

import { runCli } from './cli';
import { InterruptedError } from './errors';

// `sagaflow list | head`: once the reader is gone, the rest has nowhere to go.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

const interrupt = new AbortController();
process.once('SIGINT', () => {
  interrupt.abort();
});

runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  now: () => new Date(),
  readFile: (path) => readFile(path, 'utf8'),
  sleep: (ms) =>
    sleep(ms, undefined, { signal: interrupt.signal }).catch((error: unknown) => {
      throw interrupt.signal.aborted ? new InterruptedError() : error;
    }),
  signal: interrupt.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
