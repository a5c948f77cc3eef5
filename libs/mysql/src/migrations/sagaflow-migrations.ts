import { SagaflowDeadLetter1767225600003 } from './sagaflow-dead-letter-1767225600003';
import { SagaflowEventProcess1767225600002 } from './sagaflow-event-process-1767225600002';
import { SagaflowEventStore1767225600000 } from './sagaflow-event-store-1767225600000';
import { SagaflowOutbox1767225600001 } from './sagaflow-outbox-1767225600001';
import { SagaflowStepResult1767225600004 } from './sagaflow-step-result-1767225600004';
import { SagaflowStepResultUpdated1767225600005 } from './sagaflow-step-result-updated-1767225600005';
import { SagaflowDeadLetterSaga1767225600006 } from './sagaflow-dead-letter-saga-1767225600006';
import { SagaflowDeadLetterReplayReason1767225600009 } from './sagaflow-dead-letter-replay-reason-1767225600009';
import { SagaflowSagaListing1767225600008 } from './sagaflow-saga-listing-1767225600008';

/**
 * The migrations of an orchestrator database: `saga_event`, `saga_instance`, `outbox`,
 * `outbox_shard`, `event_process`, `dead_letter`. Run them with
 * `dataSource.runMigrations({ transaction: 'each' })`; applied ones are skipped.
 *
 * @example
 * ```ts
 * const dataSource = createDataSource({
 *   database: 'sagaflow',
 *   entities: [...orchestratorEntities],
 *   migrations: [...orchestratorMigrations],
 * });
 * await dataSource.initialize();
 * await dataSource.runMigrations({ transaction: 'each' });
 * ```
 */
export const orchestratorMigrations = [
  SagaflowEventStore1767225600000,
  SagaflowOutbox1767225600001,
  SagaflowEventProcess1767225600002,
  SagaflowDeadLetter1767225600003,
  SagaflowDeadLetterSaga1767225600006,
  SagaflowSagaListing1767225600008,
  SagaflowDeadLetterReplayReason1767225600009,
] as const;

/**
 * The Sagaflow migrations of a participant database: `outbox`, `outbox_shard`,
 * `event_process`, `dead_letter`, `step_result` (and its `updated_at` index). A service
 * lists its own migrations (with later timestamps) after these.
 *
 * @example
 * ```ts
 * migrations: [...participantMigrations, CreateCreditAccounts1767312000000],
 * ```
 */
export const participantMigrations = [
  SagaflowOutbox1767225600001,
  SagaflowEventProcess1767225600002,
  SagaflowDeadLetter1767225600003,
  SagaflowStepResult1767225600004,
  SagaflowStepResultUpdated1767225600005,
  SagaflowDeadLetterSaga1767225600006,
  SagaflowDeadLetterReplayReason1767225600009,
] as const;
