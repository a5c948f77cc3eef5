// docker/compose.yaml cannot be started here (no container engine), so this reads it and
// checks that it describes the same infrastructure as infra/ and the code's defaults.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { INFRA_DEFAULTS } from '@sagaflow/config';
import { parse } from 'yaml';

import { EXAMPLE_SERVICES, loadServiceConfig } from '../../apps/examples/src/config';
import { loadOrchestratorConfig } from '../../apps/orchestrator/src/config';

const root = join(__dirname, '..', '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  command?: string[];
  ports?: string[];
  environment?: Record<string, string | number | boolean>;
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(read('docker/compose.yaml'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;
const service = (name: string): ComposeService => {
  const found = services[name];
  if (found === undefined) throw new Error(`docker/compose.yaml has no service '${name}'`);
  return found;
};
const env = (name: string): Record<string, string> =>
  Object.fromEntries(
    Object.entries(service(name).environment ?? {}).map(([k, v]) => [k, String(v)]),
  );

/** `key=value` lines of a Java properties file (comments and blank lines skipped). */
function readProperties(path: string): Map<string, string> {
  const properties = new Map<string, string>();
  for (const line of read(path).split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    properties.set(trimmed.slice(0, eq).trim(), trimmed.slice(eq + 1).trim());
  }
  return properties;
}

/**
 * The apache/kafka image's mapping of an environment variable to a property:
 * `KAFKA_` dropped, `___` → `-`, `__` → `_`, `_` → `.`, lower case.
 */
function kafkaProperty(variable: string): string {
  const runs: Record<number, string> = { 1: '.', 2: '_', 3: '-' };
  return variable
    .slice('KAFKA_'.length)
    .replace(/_+/g, (run) => runs[run.length] ?? run)
    .toLowerCase();
}

/** `127.0.0.1:9092:9092` → { host: '127.0.0.1', hostPort: 9092, containerPort: 9092 } */
function publishedPorts(name: string): { host: string; hostPort: number; containerPort: number }[] {
  return (service(name).ports ?? []).map((spec) => {
    const [host = '', hostPort = '', containerPort = ''] = spec.split(':');
    return { host, hostPort: Number(hostPort), containerPort: Number(containerPort) };
  });
}

/** The value of `NAME="${SAGAFLOW_…:-default}"` (or `NAME=value`) in infra/lib.sh. */
function libShDefault(name: string): string {
  const match = new RegExp(`^${name}="?(?:\\$\\{[A-Z_]+:-)?([^}"]*)\\}?"?$`, 'm').exec(
    read('infra/lib.sh'),
  );
  if (match?.[1] === undefined) throw new Error(`infra/lib.sh does not define ${name}`);
  return match[1];
}

const libShDatabases = ((): string[] => {
  const match = /^DATABASES=\(([^)]*)\)/m.exec(read('infra/lib.sh'));
  if (match?.[1] === undefined) throw new Error('infra/lib.sh does not define DATABASES');
  return match[1].trim().split(/\s+/);
})();

const initDatabases = [
  ...read('docker/mysql/init/01-databases.sql').matchAll(/CREATE DATABASE IF NOT EXISTS `(\w+)`/g),
].map((m) => m[1]);

describe('docker/compose.yaml', () => {
  it('has the infrastructure and the apps', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'inventory-service',
        'kafka',
        'mysql',
        'orchestrator',
        'order-service',
        'payment-service',
        'redis',
      ].sort(),
    );
  });

  it.each([
    ['kafka', /^apache\/kafka:4\.\d+\.\d+$/],
    ['mysql', /^mysql:8\.\d+$/],
    ['redis', /^redis:7(\.\d+)*$/],
  ])('runs %s from the official image', (name, image) => {
    expect(service(name).image).toMatch(image);
  });

  it('uses the Kafka version infra/ fetches', () => {
    const pomVersion = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(
      read('infra/kafka/pom.xml'),
    );
    expect(service('kafka').image).toBe(`apache/kafka:${pomVersion?.[1] ?? '?'}`);
  });

  it.each([
    ['kafka', ['KAFKA_PORT', 'KAFKA_SASL_PORT']],
    ['mysql', ['MYSQL_PORT']],
    ['redis', ['REDIS_PORT']],
  ])('publishes %s on 127.0.0.1 at the ports infra/lib.sh uses', (name, variables) => {
    expect(publishedPorts(name)).toEqual(
      variables.map((variable) => {
        const port = Number(libShDefault(variable));
        return { host: '127.0.0.1', hostPort: port, containerPort: port };
      }),
    );
  });

  it('publishes every app port on 127.0.0.1 only', () => {
    for (const name of Object.keys(services)) {
      for (const port of publishedPorts(name)) expect(port.host).toBe('127.0.0.1');
    }
  });

  it('gives every infrastructure service a health check the apps wait for', () => {
    for (const name of ['kafka', 'mysql', 'redis']) {
      expect(service(name).healthcheck?.test.length).toBeGreaterThan(0);
    }
    for (const name of ['orchestrator', 'order-service', 'payment-service', 'inventory-service']) {
      expect(service(name).depends_on).toEqual({
        kafka: { condition: 'service_healthy' },
        mysql: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
    }
  });

  describe('kafka', () => {
    const properties = readProperties('infra/kafka/server.properties');
    const kafkaEnv = env('kafka');
    const configured = new Map(
      Object.entries(kafkaEnv)
        .filter(([k]) => k.startsWith('KAFKA_'))
        .map(([k, v]) => [kafkaProperty(k), v]),
    );
    // Container networking differs on purpose: the broker also listens for the app
    // containers (DOCKER listener) and keeps its data in the container.
    const networkKeys = new Set([
      'listeners',
      'advertised.listeners',
      'listener.security.protocol.map',
      'log.dirs',
    ]);

    it('runs single-node KRaft with a cluster id', () => {
      expect(configured.get('process.roles')).toBe('broker,controller');
      expect(kafkaEnv.CLUSTER_ID).toMatch(/^[A-Za-z0-9_-]{22}$/);
    });

    it.each([...properties.keys()].filter((k) => !networkKeys.has(k)))(
      'sets %s as infra/kafka/server.properties does',
      (key) => {
        expect(configured.get(key)).toBe(properties.get(key));
      },
    );

    it('sets nothing infra/kafka/server.properties does not, besides the listeners', () => {
      const extra = [...configured.keys()].filter((k) => !properties.has(k) && !networkKeys.has(k));
      expect(extra).toEqual([]);
    });

    it('keeps the listeners of server.properties and adds one for containers', () => {
      const listeners = (key: string): string[] => (configured.get(key) ?? '').split(',');
      expect(listeners('advertised.listeners')).toEqual(
        expect.arrayContaining(properties.get('advertised.listeners')?.split(',') ?? ['?']),
      );
      expect(listeners('advertised.listeners')).toContain('DOCKER://kafka:19092');
      expect(listeners('listeners')).toEqual(
        expect.arrayContaining(['PLAINTEXT://0.0.0.0:9092', 'CONTROLLER://127.0.0.1:9093']),
      );
      expect(listeners('listener.security.protocol.map')).toEqual(
        expect.arrayContaining(
          properties.get('listener.security.protocol.map')?.split(',') ?? ['?'],
        ),
      );
    });

    it('has the replication settings that let groups and transactions work on one node', () => {
      for (const key of [
        'offsets.topic.replication.factor',
        'transaction.state.log.replication.factor',
        'transaction.state.log.min.isr',
        'default.replication.factor',
      ]) {
        expect(configured.get(key)).toBe('1');
      }
      expect(configured.get('auto.create.topics.enable')).toBe('false');
    });
  });

  describe('mysql', () => {
    it('allows root with an empty password and runs the init scripts', () => {
      expect(env('mysql').MYSQL_ALLOW_EMPTY_PASSWORD).toBe('yes');
      expect(service('mysql').volumes).toContain('./mysql/init:/docker-entrypoint-initdb.d:ro');
    });

    it('creates exactly the databases infra/lib.sh creates', () => {
      expect(libShDatabases.length).toBeGreaterThan(0);
      expect([...initDatabases].sort()).toEqual([...libShDatabases].sort());
    });
  });

  it('runs Redis with noeviction and no persistence', () => {
    const command = service('redis').command ?? [];
    const option = (flag: string): string | undefined => command[command.indexOf(flag) + 1];
    expect(option('--maxmemory-policy')).toBe('noeviction');
    expect(option('--save')).toBe('');
    expect(option('--appendonly')).toBe('no');
  });

  describe('apps', () => {
    const apps = {
      orchestrator: {
        app: 'orchestrator',
        config: loadOrchestratorConfig({ SAGAFLOW_SAGAS_MODULE: '@sagaflow/examples/sagas' }),
      },
      ...Object.fromEntries(
        (Object.keys(EXAMPLE_SERVICES) as (keyof typeof EXAMPLE_SERVICES)[]).map((name) => [
          name,
          { app: 'examples', config: loadServiceConfig(name, {}) },
        ]),
      ),
    };

    it.each(Object.entries(apps))(
      '%s is built from docker/Dockerfile and reaches the others by service name',
      (name, { app, config }) => {
        const s = service(name);
        expect(s.build).toEqual({
          context: '..',
          dockerfile: 'docker/Dockerfile',
          args: { APP: app },
        });
        const e = env(name);
        expect(e.SAGAFLOW_KAFKA_BROKERS).toBe('kafka:19092');
        expect(e.SAGAFLOW_MYSQL_HOST).toBe('mysql');
        expect(e.SAGAFLOW_MYSQL_DRIVER).toBe('mysql');
        expect(e.SAGAFLOW_REDIS_URL).toBe('redis://redis:6379');
        expect(e.SAGAFLOW_HTTP_HOST).toBe('0.0.0.0');
        // Same database and port as the app's own defaults.
        expect(e.SAGAFLOW_MYSQL_DATABASE).toBe(config.mysql.database);
        expect(publishedPorts(name)).toEqual([
          { host: '127.0.0.1', hostPort: config.http.port, containerPort: config.http.port },
        ]);
        if (app === 'examples') expect(s.command).toEqual([name]);
      },
    );

    it('uses only databases infra/lib.sh creates', () => {
      for (const { config } of Object.values(apps)) {
        expect(libShDatabases).toContain(config.mysql.database);
      }
    });
  });
});

describe('libs/config defaults', () => {
  it('point at the ports infra/ and the compose file publish', () => {
    expect(INFRA_DEFAULTS.kafka.brokers).toEqual([`127.0.0.1:${libShDefault('KAFKA_PORT')}`]);
    expect(INFRA_DEFAULTS.mysql.host).toBe(libShDefault('MYSQL_HOST'));
    expect(INFRA_DEFAULTS.mysql.port).toBe(Number(libShDefault('MYSQL_PORT')));
    expect(INFRA_DEFAULTS.redis.url).toBe(
      `redis://${libShDefault('REDIS_HOST')}:${libShDefault('REDIS_PORT')}`,
    );
    expect(INFRA_DEFAULTS.mysql.user).toBe('root');
    expect(INFRA_DEFAULTS.mysql.password).toBe('');
  });

  it('create topics with the partition count of the local broker', () => {
    expect(INFRA_DEFAULTS.topics.partitions).toBe(
      Number(readProperties('infra/kafka/server.properties').get('num.partitions')),
    );
  });
});
