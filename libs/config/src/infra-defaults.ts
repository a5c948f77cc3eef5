/**
 * Where the local infrastructure listens (`infra/up.sh`, `docker/compose.yaml`): the
 * defaults of every configuration, so an app started with an empty environment talks to
 * the services a developer brought up. A test checks the compose file agrees.
 */
export const INFRA_DEFAULTS = {
  kafka: { brokers: ['127.0.0.1:9092'] as readonly string[] },
  mysql: {
    host: '127.0.0.1',
    port: 3306,
    user: 'root',
    password: '',
    /** `infra/` runs MariaDB; `docker/compose.yaml` runs MySQL 8 and sets `mysql`. */
    driver: 'mariadb',
  },
  redis: { url: 'redis://127.0.0.1:6379' },
  topics: {
    prefix: 'sagaflow.',
    /** Matches `num.partitions` of the local broker. */
    partitions: 3,
  },
  http: { host: '127.0.0.1' },
  logLevel: 'info',
} as const;
