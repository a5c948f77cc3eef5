import { type CommandHandlers } from '@sagaflow/participant';
import { type EntitySchema, type MigrationInterface } from 'typeorm';

import { type ExampleServiceName } from './config';

/** What makes one example service: its tables and its command handlers. */
export interface ExampleService {
  readonly name: ExampleServiceName;
  /** Its own entities; the data source adds them after `participantEntities`. */
  readonly entities: readonly EntitySchema[];
  /** Its own migrations, run after `participantMigrations` (later timestamps). */
  readonly migrations: readonly (new () => MigrationInterface)[];
  /** One handler per command it serves. */
  readonly handlers: CommandHandlers;
}
