import { type SagaStatus } from '@sagaflow/core';
import { Presets, SingleBar } from 'cli-progress';

import { type SagaRunProgress } from '../workload/saga-driver';

/** Shows a run's progress as it goes. */
export interface ProgressReporter {
  update(progress: SagaRunProgress): void;
  /** Draws the last state and releases the terminal line. */
  stop(): void;
}

/** How often the plain-line reporter writes a line. */
const LINE_INTERVAL_MS = 2_000;

/**
 * One line of progress, for output that is not a terminal: ended of total, by outcome, and
 * the rate so far.
 *
 * @example
 * ```ts
 * formatProgressLine(progress); // 'sagas 120/300 ended: 101 completed, 19 compensated, 0 parked; 32 running; 24.0/s'
 * ```
 */
export function formatProgressLine(progress: SagaRunProgress): string {
  const s = progress.byStatus;
  return (
    `sagas ${progress.ended}/${progress.total} ended: ${s.COMPLETED} completed, ` +
    `${s.COMPENSATED} compensated, ${s.COMPENSATION_FAILED} parked; ` +
    `${running(s)} running; ${rate(progress)}/s`
  );
}

/**
 * A progress bar (cli-progress) on a terminal; on anything else (a pipe, a CI log) a plain
 * line every 2 s and one at the end.
 *
 * @example
 * ```ts
 * const reporter = createProgressReporter(process.stdout);
 * await runSagas({ ..., onProgress: (p) => reporter.update(p) });
 * reporter.stop();
 * ```
 */
export function createProgressReporter(stream: NodeJS.WriteStream): ProgressReporter {
  return stream.isTTY ? barReporter(stream) : lineReporter(stream);
}

function barReporter(stream: NodeJS.WriteStream): ProgressReporter {
  const bar = new SingleBar(
    {
      stream,
      format:
        'sagas {bar} {value}/{total} ended | {completed} completed, {compensated} compensated, {parked} parked | {running} running | {rate}/s',
      hideCursor: true,
      barsize: 30,
      fps: 10,
    },
    Presets.shades_classic,
  );
  let started = false;
  let last: SagaRunProgress | null = null;
  const payload = (p: SagaRunProgress) => ({
    completed: p.byStatus.COMPLETED,
    compensated: p.byStatus.COMPENSATED,
    parked: p.byStatus.COMPENSATION_FAILED,
    running: running(p.byStatus),
    rate: rate(p),
  });
  return {
    update: (progress) => {
      last = progress;
      if (!started) {
        bar.start(progress.total, progress.ended, payload(progress));
        started = true;
      } else {
        bar.update(progress.ended, payload(progress));
      }
    },
    stop: () => {
      if (!started) return;
      if (last !== null) bar.update(last.ended, payload(last));
      bar.stop();
    },
  };
}

function lineReporter(stream: NodeJS.WriteStream): ProgressReporter {
  let last: SagaRunProgress | null = null;
  let writtenAt = 0;
  const write = (progress: SagaRunProgress) => {
    stream.write(`${formatProgressLine(progress)}\n`);
    writtenAt = Date.now();
  };
  return {
    update: (progress) => {
      last = progress;
      if (Date.now() - writtenAt >= LINE_INTERVAL_MS) write(progress);
    },
    stop: () => {
      if (last !== null) write(last);
    },
  };
}

function running(byStatus: Readonly<Record<SagaStatus, number>>): number {
  return byStatus.RUNNING + byStatus.COMPENSATING;
}

function rate(progress: SagaRunProgress): string {
  return progress.elapsedMs > 0 ? (progress.ended / (progress.elapsedMs / 1000)).toFixed(1) : '0.0';
}
