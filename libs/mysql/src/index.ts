/**
 * @packageDocumentation
 * TypeORM data source, entities, migrations, event store, outbox, EventProcess table.
 */
export * from './create-data-source';
export * from './mysql-tls';
export * from './is-duplicate-key-error';
export * from './insert-or-duplicate';
export * from './entities/saga-event-entity';
export * from './entities/saga-instance-entity';
export * from './entities/outbox-entity';
export * from './entities/outbox-shard-entity';
export * from './entities/event-process-entity';
export * from './entities/dead-letter-entity';
export * from './entities/step-result-entity';
export * from './entities/sagaflow-entities';
export * from './migrations/sagaflow-event-store-1767225600000';
export * from './migrations/sagaflow-outbox-1767225600001';
export * from './migrations/sagaflow-event-process-1767225600002';
export * from './migrations/sagaflow-dead-letter-1767225600003';
export * from './migrations/sagaflow-step-result-1767225600004';
export * from './migrations/sagaflow-step-result-updated-1767225600005';
export * from './migrations/sagaflow-dead-letter-saga-1767225600006';
export * from './migrations/sagaflow-saga-listing-1767225600008';
export * from './migrations/sagaflow-dead-letter-replay-reason-1767225600009';
export * from './migrations/sagaflow-migrations';
export * from './migrations/sagaflow-table-options';
export * from './outbox-shard';
export * from './outbox-writer';
export * from './mysql-event-store';
export * from './mysql-outbox';
export * from './purge-finished';
export * from './event-process-step';
export * from './mysql-event-process-store';
export * from './mysql-dead-letter-store';
export * from './saga-queries';
export * from './saga-event-feed-queries';
export type { SagaListQuery, SagaListSort } from './saga-listing';
export * from './step-results';
export * from './retry-on-deadlock';
export * from './run-migrations-exclusively';
