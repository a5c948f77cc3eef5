import { DeadLetterEntity } from './dead-letter-entity';
import { EventProcessEntity } from './event-process-entity';
import { OutboxEntity } from './outbox-entity';
import { OutboxShardEntity } from './outbox-shard-entity';
import { SagaEventEntity } from './saga-event-entity';
import { SagaInstanceEntity } from './saga-instance-entity';
import { StepResultEntity } from './step-result-entity';

/**
 * The entities of an orchestrator database; pass them to `createDataSource` together with
 * `orchestratorMigrations`.
 */
export const orchestratorEntities = [
  SagaEventEntity,
  SagaInstanceEntity,
  OutboxEntity,
  OutboxShardEntity,
  EventProcessEntity,
  DeadLetterEntity,
] as const;

/**
 * The Sagaflow entities of a participant database; a service adds its own entities after
 * them.
 *
 * @example
 * ```ts
 * const dataSource = createDataSource({
 *   database: 'payments',
 *   entities: [...participantEntities, CreditAccountEntity],
 *   migrations: [...participantMigrations, CreateCreditAccounts1767312000000],
 * });
 * ```
 */
export const participantEntities = [
  OutboxEntity,
  OutboxShardEntity,
  EventProcessEntity,
  DeadLetterEntity,
  StepResultEntity,
] as const;
