/**
 * @packageDocumentation
 * The MySQL 8 / MariaDB side of Sagaflow, over TypeORM, for the orchestrator, the
 * participant SDK and a runtime wired by hand: the data source, the schema (entity and
 * migration lists), the adapters of core's ports, the operator queries and the
 * participants' step results.
 *
 * Entry points: {@link createDataSource} with {@link orchestratorEntities} /
 * {@link orchestratorMigrations} (or the `participant*` lists) and
 * {@link runMigrationsExclusively}; {@link MySqlEventStore}, {@link MySqlOutbox},
 * {@link OutboxWriter}, {@link MySqlEventProcessStore}, {@link MySqlDeadLetterStore};
 * {@link SagaQueries}, {@link SagaEventFeedQueries}, {@link StepResults} and
 * {@link purgeFinished}.
 */
export { createDataSource, type MysqlDataSourceOptions } from './create-data-source';
export { mysqlTls, type MysqlTlsSettings } from './mysql-tls';
export { orchestratorEntities, participantEntities } from './entities/sagaflow-entities';
export { orchestratorMigrations, participantMigrations } from './migrations/sagaflow-migrations';
export { SAGAFLOW_TABLE_OPTIONS } from './migrations/sagaflow-table-options';
export {
  runMigrationsExclusively,
  type RunMigrationsExclusivelyOptions,
} from './run-migrations-exclusively';
export { type OutboxWriteOptions, OutboxWriter, type OutboxWriterOptions } from './outbox-writer';
export {
  type AppendCommitted,
  MySqlEventStore,
  type MySqlEventStoreOptions,
} from './mysql-event-store';
export { MySqlOutbox, type MySqlOutboxOptions } from './mysql-outbox';
export { purgeFinished } from './purge-finished';
export {
  type FailedEventProcessQuery,
  type MySqlEventProcessRecord,
  MySqlEventProcessStore,
  type MySqlEventProcessStoreOptions,
} from './mysql-event-process-store';
export { MySqlDeadLetterStore, type MySqlDeadLetterStoreOptions } from './mysql-dead-letter-store';
export {
  type ActiveSagaQuery,
  type Page,
  type SagaCounts,
  type SagaLatency,
  SagaQueries,
  type SagaStats,
  type SagaStatsQuery,
  type SagaSummary,
  type SagaTimeline,
  type SagaTimelineBucket,
  type SagaTimelineLatency,
  type SagaTimelineQuery,
  type SagaVersion,
  type UpdatedSagaQuery,
} from './saga-queries';
export {
  SagaEventFeedQueries,
  type SagaFeedEvent,
  type SagaFeedQuery,
} from './saga-event-feed-queries';
export type { SagaListQuery } from './saga-listing';
export {
  type NewStepResult,
  type StepResultKey,
  StepResults,
  type StepResultsOptions,
} from './step-results';
export { retryOnDeadlock } from './is-duplicate-key-error';
