import { type SagaCommand } from '../model/saga-command';
import { type OutboxMessage } from './outbox';

/**
 * Turns a command into the outbox message that carries it: topic, key, headers and the
 * encoded envelope. `@sagaflow/messaging` provides the Kafka one; the in-memory runtime
 * has its own. Must be deterministic: the same command and time give the same message.
 */
export interface CommandEncoder {
  encode(command: SagaCommand, occurredAt: Date): OutboxMessage;
}
