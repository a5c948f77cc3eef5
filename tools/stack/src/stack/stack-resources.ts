import { setTimeout as sleep } from 'node:timers/promises';

import { type MysqlDriver } from '@sagaflow/config';
import { createKafka } from '@sagaflow/kafka';
import { createDataSource } from '@sagaflow/mysql';
import { createRedis } from '@sagaflow/redis';
import { type Admin, logLevel } from 'kafkajs';

import { StackError, StackErrorCode } from './stack-error';

/** Where the shared services of a stack are. */
export interface StackInfra {
  readonly kafkaBrokers: readonly string[];
  readonly mysql: {
    readonly host: string;
    readonly port: number;
    readonly user: string;
    readonly password: string;
    readonly driver: MysqlDriver;
  };
  /** `redis://host:port[/db]`. */
  readonly redisUrl: string;
}

/** What {@link deleteKafkaResources} removed. */
export interface DeletedKafkaResources {
  readonly topics: readonly string[];
  readonly groups: readonly string[];
}

const DATABASE_NAME = /^[A-Za-z0-9_]{1,64}$/;
/** How long a consumer group of a killed member may stay non-empty: Kafka's session timeout, and some. */
const GROUP_EMPTY_TIMEOUT_MS = 40_000;

/**
 * Runs `work` with a connection to the MySQL server (no database selected, through
 * `information_schema`, which every user can open).
 */
async function withServer<T>(
  infra: StackInfra,
  work: (query: (sql: string) => Promise<unknown>) => Promise<T>,
): Promise<T> {
  const dataSource = createDataSource({
    type: infra.mysql.driver,
    host: infra.mysql.host,
    port: infra.mysql.port,
    username: infra.mysql.user,
    password: infra.mysql.password,
    database: 'information_schema',
    poolSize: 1,
  });
  await dataSource.initialize();
  try {
    return await work((sql) => dataSource.query(sql));
  } finally {
    await dataSource.destroy();
  }
}

function checkDatabaseNames(names: readonly string[]): void {
  const bad = names.filter((name) => !DATABASE_NAME.test(name));
  if (bad.length > 0) {
    throw new StackError(StackErrorCode.BadRequest, `not database names: ${bad.join(', ')}`);
  }
}

/** Creates the databases that do not exist (`utf8mb4`, `utf8mb4_bin`). */
export async function createDatabases(infra: StackInfra, names: readonly string[]): Promise<void> {
  checkDatabaseNames(names);
  await withServer(infra, async (query) => {
    for (const name of names) {
      await query(
        `CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
      );
    }
  });
}

/** Drops the databases that exist. */
export async function dropDatabases(infra: StackInfra, names: readonly string[]): Promise<void> {
  checkDatabaseNames(names);
  await withServer(infra, async (query) => {
    for (const name of names) await query(`DROP DATABASE IF EXISTS \`${name}\``);
  });
}

/** Every database on the server. */
export async function listDatabases(infra: StackInfra): Promise<string[]> {
  return withServer(infra, async (query) => {
    const rows = (await query('SELECT SCHEMA_NAME AS name FROM SCHEMATA')) as { name: string }[];
    return rows.map((row) => row.name);
  });
}

async function withAdmin<T>(infra: StackInfra, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = createKafka({
    brokers: infra.kafkaBrokers,
    clientId: 'sagaflow-stack',
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Deletes the topics and consumer groups whose names `matches` accepts. A group still
 * holding a member that was killed is deleted once Kafka expires that member's session;
 * a group still non-empty after 40 s fails the call (the topics are deleted anyway).
 */
export async function deleteKafkaResources(
  infra: StackInfra,
  matches: (name: string) => boolean,
): Promise<DeletedKafkaResources> {
  return withAdmin(infra, async (admin) => {
    const topics = (await admin.listTopics()).filter(matches);
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
    const { groups: listed } = await admin.listGroups();
    const groups = listed.map((g) => g.groupId).filter(matches);
    const deleted: string[] = [];
    let remaining = groups;
    const deadline = Date.now() + GROUP_EMPTY_TIMEOUT_MS;
    while (remaining.length > 0) {
      const { groups: described } = await admin.describeGroups(remaining);
      const idsIn = (state: string) =>
        described.filter((g) => g.state === state).map((g) => g.groupId);
      const empty = idsIn('Empty');
      // 'Dead': the group is gone already.
      const gone = [...empty, ...idsIn('Dead')];
      if (empty.length > 0) await admin.deleteGroups(empty);
      deleted.push(...empty);
      remaining = remaining.filter((id) => !gone.includes(id));
      if (remaining.length === 0) break;
      if (Date.now() >= deadline) {
        throw new StackError(
          StackErrorCode.CleanupFailed,
          `consumer groups still have members after ${GROUP_EMPTY_TIMEOUT_MS} ms: ${remaining.join(', ')}`,
        );
      }
      await sleep(1_000);
    }
    return { topics, groups: deleted };
  });
}

/**
 * Deletes every Redis key matching one of the `MATCH` patterns (SCAN, never FLUSHDB) and
 * accepted by `filter`, in the database the URL names. Returns how many were deleted.
 *
 * @example
 * ```ts
 * await deleteRedisKeys('redis://127.0.0.1:6379', ['sfe2e:4242:a1b2c3:*', 'bull:sfe2e-4242-a1b2c3-*']);
 * ```
 */
export async function deleteRedisKeys(
  url: string,
  patterns: readonly string[],
  filter: (key: string) => boolean = () => true,
): Promise<number> {
  const redis = createRedis({ url, keyPrefix: '' });
  try {
    let deleted = 0;
    for (const pattern of patterns) {
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        const keys = found.filter(filter);
        if (keys.length > 0) deleted += await redis.unlink(...keys);
      } while (cursor !== '0');
    }
    return deleted;
  } finally {
    await redis.quit();
  }
}

/**
 * The URL of another database of the same Redis server.
 *
 * @example
 * ```ts
 * redisDatabaseUrl('redis://127.0.0.1:6379', 7); // 'redis://127.0.0.1:6379/7'
 * ```
 */
export function redisDatabaseUrl(url: string, index: number): string {
  const parsed = new URL(url);
  parsed.pathname = `/${index}`;
  return parsed.toString();
}
