import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** How much of the end of a log file {@link readLogTail} reads at most. */
const TAIL_BYTES = 64 * 1024;

/**
 * The last `lines` lines of a log file (empty when it does not exist), to show next to a
 * failure.
 *
 * @example
 * ```ts
 * process.stderr.write(readLogTail('infra/.local/runs/demo/orchestrator.log', 20));
 * ```
 */
export function readLogTail(file: string, lines: number): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const text = buffer.toString('utf8').replace(/\n$/, '');
    return text.split('\n').slice(-lines).join('\n');
  } finally {
    closeSync(fd);
  }
}
