/**
 * @packageDocumentation
 * TypeORM data source, entities, migrations, event store, outbox, EventProcess inbox.
 */
export {};
