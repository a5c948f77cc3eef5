import {
  type AppendRequest,
  type OutboxMessage,
  type SagaEvent,
  type SagaState,
  type SagaStatus,
} from '@sagaflow/core';
import { type DataSource } from 'typeorm';

const AT = '2030-01-01T00:00:00.000Z';

/** A well-formed state: the stores keep states as given, so no decider is needed. */
export function stateOf(
  sagaId: string,
  version: number,
  overrides: Partial<SagaState> = {},
): SagaState {
  return {
    sagaId,
    sagaType: 'place-order',
    sagaVersion: 1,
    businessKey: null,
    status: 'RUNNING',
    input: { orderId: sagaId },
    data: { orderId: sagaId },
    version,
    steps: {},
    activeSteps: [],
    pendingTimers: [],
    failure: null,
    startedAt: AT,
    updatedAt: AT,
    endedAt: null,
    ...overrides,
  };
}

export function startedEvent(state: SagaState): SagaEvent {
  return {
    type: 'SagaStarted',
    v: 1,
    at: state.startedAt,
    sagaId: state.sagaId,
    sagaType: state.sagaType,
    sagaVersion: state.sagaVersion,
    businessKey: state.businessKey,
    input: state.input,
  };
}

export function endedEvent(status: SagaStatus, at: string): SagaEvent {
  return status === 'COMPLETED'
    ? { type: 'SagaCompleted', v: 1, at }
    : { type: 'SagaCompensated', v: 1, at };
}

/** The first append of a saga: SagaStarted, the given state and outbox. */
export function firstAppend(
  state: SagaState,
  outbox: readonly OutboxMessage[] = [],
): AppendRequest {
  return { sagaId: state.sagaId, expectedVersion: 0, events: [startedEvent(state)], state, outbox };
}

export function outboxMessage(id: string, key: string): OutboxMessage {
  return {
    id,
    topic: 'it.commands',
    key,
    headers: { 'sagaflow-message-id': id },
    value: `{"id":"${id}"}`,
  };
}

/** Every outbox row with that key, in seq order, as messages. */
export async function outboxMessages(
  dataSource: DataSource,
  key: string,
): Promise<OutboxMessage[]> {
  const rows = await dataSource.query<
    { message_id: string; topic: string; message_key: string; headers: string; value: string }[]
  >(
    'SELECT message_id, topic, message_key, headers, value FROM outbox WHERE message_key = ? ORDER BY seq',
    [key],
  );
  return rows.map((r) => ({
    id: r.message_id,
    topic: r.topic,
    key: r.message_key,
    headers: JSON.parse(r.headers) as OutboxMessage['headers'],
    value: r.value,
  }));
}
