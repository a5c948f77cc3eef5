import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import { readLogTail } from './log-tail';
import { StackError, StackErrorCode } from './stack-error';
import { type StackInstanceName } from './stack-layout';

/** How one process of a stack is run. */
export interface StackProcessSpec {
  readonly name: StackInstanceName;
  /** The script `node` runs, e.g. `apps/orchestrator/dist/main.js`. */
  readonly script: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The whole environment of the child. */
  readonly env: Readonly<Record<string, string>>;
  /** stdout and stderr are appended here (JSON lines). */
  readonly logFile: string;
  /** Base URL of its HTTP server (`/health`, `/ready`). */
  readonly url: string;
  /** The child's pid is written here at each start, so a later run can find an orphan. */
  readonly pidFile: string;
  /**
   * Run the child in a process group of its own: Ctrl-C in a terminal then reaches only the
   * parent, which stops the children in order (the demo). Otherwise the terminal's signal
   * reaches the children too, and they stop by themselves if the parent dies of it (tests).
   */
  readonly detached: boolean;
}

/** How a process ended: its exit code, or the signal that ended it. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Lines of the log shown with a failure. */
const TAIL_LINES = 25;
const READY_POLL_MS = 200;
const READY_REQUEST_TIMEOUT_MS = 2_000;

/**
 * One child process of a stack: started from the built output with its own environment,
 * its output appended to its log file, probed on `GET /ready`, stopped with a signal.
 * It can be started again after it exited (a restart appends to the same log).
 *
 * @example
 * ```ts
 * const process = new StackProcess(spec);
 * process.start();
 * await process.waitReady(60_000);
 * await process.stop(40_000);
 * ```
 */
export class StackProcess {
  readonly spec: StackProcessSpec;
  #child: ChildProcess | null = null;
  #exited: Promise<ProcessExit> | null = null;
  #lastExit: ProcessExit | null = null;

  constructor(spec: StackProcessSpec) {
    this.spec = spec;
  }

  get name(): StackInstanceName {
    return this.spec.name;
  }

  /** The child's pid while it runs, else null. */
  get pid(): number | null {
    return this.running ? (this.#child?.pid ?? null) : null;
  }

  /** True from {@link start} until the child exits. */
  get running(): boolean {
    return this.#child !== null && this.#lastExit === null;
  }

  /** How the last run ended, or null while it runs (or before the first start). */
  get lastExit(): ProcessExit | null {
    return this.#lastExit;
  }

  /** Spawns the process. @throws StackError when it already runs. */
  start(): void {
    if (this.running) {
      throw new StackError(StackErrorCode.BadRequest, `${this.name} is already running`);
    }
    appendFileSync(
      this.spec.logFile,
      `${JSON.stringify({ level: 'info', service: 'stack', message: 'process starting', process: this.name, at: new Date().toISOString() })}\n`,
    );
    const fd = openSync(this.spec.logFile, 'a');
    try {
      const child = spawn(process.execPath, [this.spec.script, ...this.spec.args], {
        cwd: this.spec.cwd,
        env: this.spec.env,
        stdio: ['ignore', fd, fd],
        detached: this.spec.detached,
      });
      if (child.pid !== undefined) writeFileSync(this.spec.pidFile, `${child.pid}\n`);
      this.#child = child;
      this.#lastExit = null;
      this.#exited = new Promise((resolve) => {
        const finish = (exit: ProcessExit) => {
          this.#lastExit = exit;
          resolve(exit);
        };
        child.once('exit', (code, signal) => {
          finish({ code, signal });
        });
        child.once('error', (error) => {
          appendFileSync(
            this.spec.logFile,
            `${JSON.stringify({ level: 'error', service: 'stack', message: 'spawn failed', error: error.message })}\n`,
          );
          finish({ code: null, signal: null });
        });
      });
    } finally {
      // The child holds its own copy of the descriptor.
      closeSync(fd);
    }
  }

  /**
   * Resolves once `GET /ready` answers 200. Fails fast when the process exits, and after
   * `timeoutMs`; either error carries the log's tail.
   */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) {
        throw new StackError(
          StackErrorCode.Exited,
          `${this.name} exited before it was ready (${describeExit(this.#lastExit)})${this.#tail()}`,
          { context: { process: this.name } },
        );
      }
      if (await this.#isReady()) return;
      if (Date.now() >= deadline) {
        throw new StackError(
          StackErrorCode.NotReady,
          `${this.name} was not ready within ${timeoutMs} ms (${this.spec.url}/ready)${this.#tail()}`,
          { context: { process: this.name } },
        );
      }
      await sleep(READY_POLL_MS);
    }
  }

  /**
   * Sends `signal` and waits for the exit. SIGTERM is a graceful stop: after `timeoutMs` the
   * process is killed (SIGKILL) and a {@link StackError} `STACK_STOP_TIMEOUT` is thrown.
   * Resolves at once when the process is not running.
   */
  async kill(signal: 'SIGTERM' | 'SIGKILL', timeoutMs: number): Promise<ProcessExit | null> {
    const child = this.#child;
    const exited = this.#exited;
    if (!this.running || child === null || exited === null) return this.#lastExit;
    // A paused (SIGSTOPped) process would hold SIGTERM until thawed.
    if (signal === 'SIGTERM') child.kill('SIGCONT');
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<null>((resolve) => {
      timer = setTimeout(() => {
        resolve(null);
      }, timeoutMs);
    });
    const exit = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (exit !== null) return exit;
    child.kill('SIGKILL');
    await exited;
    throw new StackError(
      StackErrorCode.StopTimeout,
      `${this.name} did not exit within ${timeoutMs} ms of ${signal}; it was killed${this.#tail()}`,
      { context: { process: this.name } },
    );
  }

  /**
   * Sends a signal that does not end the process (SIGSTOP, SIGCONT).
   * @throws StackError `STACK_PROCESS_EXITED` when the process is not running.
   */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void {
    const child = this.#child;
    if (!this.running || child === null) {
      throw new StackError(
        StackErrorCode.Exited,
        `${this.name} is not running: cannot ${signal} it`,
        {
          context: { process: this.name },
        },
      );
    }
    child.kill(signal);
  }

  /**
   * Stops the process gracefully (SIGTERM) if it runs. @throws StackError
   * `STACK_STOP_TIMEOUT` when it took longer than `timeoutMs` (it was then killed), or
   * `STACK_PROCESS_EXITED` when it exited with another code than 0 — either with its log's tail.
   */
  async stop(timeoutMs: number): Promise<void> {
    if (!this.running) return;
    const exit = await this.kill('SIGTERM', timeoutMs);
    if (exit !== null && exit.code !== 0) {
      throw new StackError(
        StackErrorCode.Exited,
        `${this.name} did not stop cleanly on SIGTERM (${describeExit(exit)})${this.#tail()}`,
        { context: { process: this.name } },
      );
    }
  }

  /** Kills the process at once, synchronously (for `process.on('exit')`). */
  killNow(): void {
    if (this.running) this.#child?.kill('SIGKILL');
  }

  /** The last lines of its log. */
  logTail(lines: number = TAIL_LINES): string {
    return readLogTail(this.spec.logFile, lines);
  }

  #tail(): string {
    const tail = this.logTail();
    return tail === '' ? '' : `\n--- last lines of ${this.spec.logFile} ---\n${tail}`;
  }

  async #isReady(): Promise<boolean> {
    try {
      const response = await fetch(`${this.spec.url}/ready`, {
        signal: AbortSignal.timeout(READY_REQUEST_TIMEOUT_MS),
      });
      await response.body?.cancel();
      return response.status === 200;
    } catch (error: unknown) {
      // Refused or timed out: not listening yet, or busy starting — asked again shortly. By
      // name, not class: under a test runner the errors may come from another realm.
      const name = (error as { name?: unknown } | null)?.name;
      if (name === 'TypeError' || name === 'TimeoutError' || name === 'AbortError') return false;
      throw error;
    }
  }
}

function describeExit(exit: ProcessExit | null): string {
  if (exit === null) return 'still running';
  return exit.signal === null ? `exit code ${String(exit.code)}` : `signal ${exit.signal}`;
}
