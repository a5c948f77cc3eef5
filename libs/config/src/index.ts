/**
 * @packageDocumentation
 * Typed, validated configuration from environment variables (the apps pass the environment
 * in; nothing here reads it) and the shared defaults that match `infra/`.
 */
export * from './env-var';
export * from './env-parsers';
export * from './read-env';
export * from './log-level';
export * from './infra-defaults';
export * from './kafka-env';
export * from './mysql-env';
export * from './redis-env';
export * from './redis-credentials';
export * from './http-env';
export * from './topics-env';
export * from './log-env';
export * from './instance-id-env';
export * from './worker-env';
