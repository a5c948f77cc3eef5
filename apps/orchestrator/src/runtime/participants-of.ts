import { type AnySagaDefinition } from '@sagaflow/core';

/**
 * Every participant the definitions send commands to, forward steps and compensations
 * alike, each once and sorted: the services whose command topics the orchestrator needs.
 *
 * @example
 * ```ts
 * participantsOf([placeOrder]); // ['inventory-service', 'notification-service', 'order-service', 'payment-service']
 * const commandTopics = participantsOf(definitions).map((p) => topics.commands(p));
 * ```
 */
export function participantsOf(definitions: readonly AnySagaDefinition[]): string[] {
  const participants = new Set<string>();
  for (const definition of definitions) {
    for (const step of definition.steps.values()) {
      participants.add(step.participant);
      if (step.compensation !== null) participants.add(step.compensation.participant);
    }
  }
  return [...participants].sort();
}
