import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';

import { parseTestRunId } from './stack-layout';
import {
  deleteKafkaResources,
  deleteRedisKeys,
  dropDatabases,
  listDatabases,
  redisDatabaseUrl,
  type StackInfra,
} from './stack-resources';

/** Redis servers have databases 0–15 unless configured otherwise. */
const REDIS_DATABASES = 16;

/** What {@link sweepAbandonedRuns} removed. */
export interface SweptRuns {
  readonly runIds: readonly string[];
  /** Processes of those runs still running (orphans of a killed test run), now killed. */
  readonly killedPids: readonly number[];
  readonly databases: readonly string[];
  readonly topics: readonly string[];
  readonly groups: readonly string[];
  readonly redisKeys: number;
}

/** True while a process with this id exists (signal 0 checks without sending anything). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    // EPERM: it exists, but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes what test runs whose process no longer exists left behind — a run killed before
 * its `afterAll` could clean up: first their orphaned child processes (from the pid files in
 * their run directories), then their databases, topics, consumer groups, Redis keys (in any
 * database of the server `infra.redisUrl` names) and run directories under `runsDir`. Runs
 * of live processes (other test runs on the machine) are left alone.
 *
 * @example
 * ```ts
 * await sweepAbandonedRuns(infra, 'infra/.local/runs', process.pid);
 * ```
 */
export async function sweepAbandonedRuns(
  infra: StackInfra,
  runsDir: string,
  ownPid: number,
): Promise<SweptRuns> {
  const abandoned = (name: string): string | null => {
    const run = parseTestRunId(name);
    if (run === null || run.pid === ownPid || isProcessAlive(run.pid)) return null;
    return run.runId;
  };
  const runIds = new Set<string>();
  const note = (name: string): boolean => {
    const runId = abandoned(name);
    if (runId !== null) runIds.add(runId);
    return runId !== null;
  };

  const directories = existsSync(runsDir) ? readdirSync(runsDir).filter(note) : [];
  const killedPids = directories.flatMap((directory) => killOrphans(join(runsDir, directory)));
  // Give the kernel a moment to reap them before their resources go.
  if (killedPids.length > 0) await sleep(500);

  const databases = (await listDatabases(infra)).filter(note);
  await dropDatabases(infra, databases);
  const { topics, groups } = await deleteKafkaResources(infra, note);
  let redisKeys = 0;
  // Runs may use any database of the server (the Redis-flush test takes one of its own).
  for (let index = 0; index < REDIS_DATABASES; index += 1) {
    redisKeys += await deleteRedisKeys(
      redisDatabaseUrl(infra.redisUrl, index),
      ['sfe2e:*', 'bull:sfe2e-*'],
      note,
    );
  }
  for (const directory of directories) {
    rmSync(join(runsDir, directory), { recursive: true, force: true });
  }
  return { runIds: [...runIds], killedPids, databases, topics, groups, redisKeys };
}

/**
 * The processes a run directory's `*.pid` files name that still run one of the stack's
 * entry points (checked in /proc where there is one, so a reused pid is not taken for one).
 */
export function livePidsOf(runDir: string): number[] {
  if (!existsSync(runDir)) return [];
  return readdirSync(runDir)
    .filter((name) => name.endsWith('.pid'))
    .map((file) => Number(readFileSync(join(runDir, file), 'utf8').trim()))
    .filter((pid) => {
      if (!Number.isSafeInteger(pid) || pid <= 1 || !isProcessAlive(pid)) return false;
      const cmdline = `/proc/${pid}/cmdline`;
      return existsSync(cmdline) && readFileSync(cmdline, 'utf8').includes('dist/main.js');
    });
}

/** Kills what {@link livePidsOf} finds: a dead run's orphaned children. */
function killOrphans(runDir: string): number[] {
  const pids = livePidsOf(runDir);
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  return pids;
}
