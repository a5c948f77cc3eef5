/**
 * @packageDocumentation
 * TypeORM data source, entities, migrations, event store, outbox, EventProcess inbox.
 */
export * from './create-data-source';
export * from './is-duplicate-key-error';
export * from './insert-or-duplicate';
