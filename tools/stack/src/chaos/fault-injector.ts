import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

import { errorMessage } from '@sagaflow/core';

import { type Stack } from '../stack/stack';
import { type StackInstanceName } from '../stack/stack-layout';
import { deleteRedisKeys } from '../stack/stack-resources';
import { type Fault, type FaultKind } from './fault-schedule';

/** What became of one injected fault. */
export interface FaultRecord {
  readonly kind: FaultKind;
  /** The process it hit; null for Redis and Kafka. */
  readonly target: StackInstanceName | null;
  /** When it was injected, in ms after the faults started. */
  readonly atMs: number;
  /**
   * `skipped`: its target (for a kill: every process) was still down or frozen from an
   * earlier fault.
   */
  readonly outcome: 'done' | 'skipped' | 'failed';
  /**
   * Kill: from the SIGKILL to the restarted process answering `GET /health` (liveness);
   * pause: how long it was frozen; Kafka: the broker's restart; Redis: the deletion.
   */
  readonly recoveryMs: number | null;
  /** Kill: from the SIGKILL to `GET /ready` answering 200 (consumer running again). */
  readonly readyMs: number | null;
  readonly detail: string;
}

/** What {@link FaultInjector} needs besides the stack. */
export interface FaultInjectorOptions {
  /** The repository root: the Kafka restart runs `infra/down.sh kafka` and `infra/up.sh` there. */
  readonly repoRoot: string;
  /** Progress lines (one per fault). */
  readonly log: (line: string) => void;
}

/** Restarts of a killed process tried before the run gives it up as failed. */
const RESTART_TRIES = 3;
const HEALTH_POLL_MS = 50;

/**
 * Injects a {@link faultSchedule} into a running stack: SIGKILLs and restarts processes,
 * freezes and thaws participants, deletes the run's Redis keys, restarts the Kafka broker.
 * A kill or a pause whose target is still down or frozen hits the next process (for a pause:
 * participant) that is up. {@link stop} ends the schedule
 * early, thaws what is frozen and waits for every restart, so the stack is whole again.
 */
export class FaultInjector {
  readonly #stack: Stack;
  readonly #o: FaultInjectorOptions;
  readonly #records: FaultRecord[] = [];
  readonly #busy = new Set<StackInstanceName>();
  readonly #pending = new Set<Promise<void>>();
  readonly #paused = new Map<StackInstanceName, () => void>();
  #stopped = false;
  #wake: (() => void) | null = null;

  constructor(stack: Stack, options: FaultInjectorOptions) {
    this.#stack = stack;
    this.#o = options;
  }

  /** Every fault injected so far, in order. */
  get records(): readonly FaultRecord[] {
    return this.#records;
  }

  /** Runs the schedule from now; resolves when it ran out or {@link stop} was called. */
  async run(schedule: readonly Fault[]): Promise<void> {
    const started = Date.now();
    for (const fault of schedule) {
      const wait = started + fault.atMs - Date.now();
      if (wait > 0) await this.#sleep(wait);
      if (this.#stopped) return;
      this.#track(this.#inject(fault, started));
    }
  }

  /** Ends the schedule, thaws every frozen process and waits until every restart is done. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    for (const resume of this.#paused.values()) resume();
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
    for (const name of this.#stack.instances) {
      if (!this.#stack.isRunning(name)) await this.#stack.restart(name);
    }
  }

  async #inject(fault: Fault, started: number): Promise<void> {
    const atMs = Date.now() - started;
    switch (fault.kind) {
      case 'kill':
        return this.#kill(fault.target, atMs);
      case 'pause':
        return this.#pause(fault.target, fault.durationMs, atMs);
      case 'flush-redis': {
        const begun = Date.now();
        const { layout } = this.#stack;
        const deleted = await deleteRedisKeys(this.#stack.infra.redisUrl, [
          `${layout.redisKeyRoot}*`,
          `bull:${layout.queueRoot}*`,
        ]);
        this.#record(fault.kind, null, atMs, 'done', Date.now() - begun, null, `${deleted} keys`);
        return;
      }
      case 'restart-kafka': {
        const begun = Date.now();
        const result = await run(this.#o.repoRoot, 'bash infra/down.sh kafka && bash infra/up.sh');
        this.#record(
          fault.kind,
          null,
          atMs,
          result.ok ? 'done' : 'failed',
          Date.now() - begun,
          null,
          result.ok ? 'broker stopped and started' : result.output.slice(-500),
        );
        return;
      }
    }
  }

  /** The planned target, or the next of `among` after it that is up (not down or frozen). */
  #available(
    planned: StackInstanceName,
    among: readonly StackInstanceName[],
  ): StackInstanceName | undefined {
    const from = Math.max(0, among.indexOf(planned));
    return [...among.slice(from), ...among.slice(0, from)].find(
      (name) => !this.#busy.has(name) && this.#stack.isRunning(name),
    );
  }

  async #kill(planned: StackInstanceName, atMs: number): Promise<void> {
    const target = this.#available(planned, this.#stack.instances);
    if (target === undefined) {
      this.#record('kill', planned, atMs, 'skipped', null, null, 'every process down or frozen');
      return;
    }
    this.#busy.add(target);
    try {
      const killed = Date.now();
      await this.#stack.kill(target, 'SIGKILL');
      const seen: { live: number | null } = { live: null };
      const polling = new AbortController();
      const health = this.#pollHealth(target, polling.signal).then((at) => {
        seen.live = at;
      });
      let error: unknown = null;
      for (let tries = 1; tries <= RESTART_TRIES; tries += 1) {
        try {
          await this.#stack.restart(target);
          error = null;
          break;
        } catch (caught: unknown) {
          error = caught;
        }
      }
      const ready = Date.now();
      await Promise.race([health, sleep(1_000)]);
      polling.abort();
      this.#record(
        'kill',
        target,
        atMs,
        error === null ? 'done' : 'failed',
        seen.live === null ? null : seen.live - killed,
        ready - killed,
        error === null ? 'SIGKILL, restarted' : errorMessage(error),
      );
    } finally {
      this.#busy.delete(target);
    }
  }

  async #pause(planned: StackInstanceName, durationMs: number, atMs: number): Promise<void> {
    const participants = this.#stack.instances.filter((name) => !name.startsWith('orchestrator'));
    const target = this.#available(planned, participants);
    if (target === undefined) {
      this.#record('pause', planned, atMs, 'skipped', null, null, 'every participant down');
      return;
    }
    this.#busy.add(target);
    const frozen = Date.now();
    this.#stack.pause(target);
    try {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, durationMs);
        this.#paused.set(target, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    } finally {
      this.#paused.delete(target);
      this.#stack.resume(target);
      this.#busy.delete(target);
    }
    this.#record('pause', target, atMs, 'done', Date.now() - frozen, null, 'SIGSTOP, then SIGCONT');
  }

  /** When the process answers `GET /health`, in epoch ms (polled until `signal` aborts). */
  async #pollHealth(target: StackInstanceName, signal: AbortSignal): Promise<number | null> {
    const url = `${this.#stack.url(target)}/health`;
    while (!signal.aborted) {
      try {
        const answer = await fetch(url, { signal: AbortSignal.timeout(500) });
        if (answer.ok) return Date.now();
      } catch {
        // Not listening yet.
      }
      await sleep(HEALTH_POLL_MS);
    }
    return null;
  }

  #record(
    kind: FaultKind,
    target: StackInstanceName | null,
    atMs: number,
    outcome: FaultRecord['outcome'],
    recoveryMs: number | null,
    readyMs: number | null,
    detail: string,
  ): void {
    this.#records.push({ kind, target, atMs, outcome, recoveryMs, readyMs, detail });
    const took = recoveryMs === null ? '' : ` (${(recoveryMs / 1000).toFixed(1)} s)`;
    this.#o.log(
      `[chaos] ${(atMs / 1000).toFixed(1)} s: ${kind}${target === null ? '' : ` ${target}`} ${outcome}${took}`,
    );
  }

  #track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => {
      this.#o.log(`[chaos] a fault failed: ${errorMessage(error)}`);
    });
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }

  async #sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#wake = null;
  }
}

async function run(cwd: string, command: string): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', command], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => {
      resolve({ ok: code === 0, output });
    });
  });
}
