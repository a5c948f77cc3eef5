import { type JsonObject } from '../model/json';
import {
  type CommandDispatched,
  type SagaCompleted,
  type SagaStarted,
  type StepSucceeded,
} from '../model/saga-event';
import { type SagaState } from '../model/saga-state';
import { type SagaStatus } from '../model/saga-status';
import { type OutboxMessage } from '../ports/outbox';

/**
 * Data the contract suites write. The stores under test keep events and states as they
 * are given, so the samples need only be well-formed, not the output of a real decider.
 */
const AT = '2030-01-01T00:00:00.000Z';

/** A payload that exercises JSON edge cases a store must keep exactly. */
export const awkwardPayload: JsonObject = {
  text: 'quotes " and \\ backslash, unicode ü 日本 🚀, newline\n',
  empty: '',
  zero: 0,
  negative: -12.5,
  large: 9007199254740991,
  flags: [true, false, null],
  nested: { list: [{ a: 1 }, [], {}], deeper: { deepest: { value: 'x' } } },
};

export function sampleStarted(
  sagaId: string,
  sagaType: string,
  businessKey: string | null,
): SagaStarted {
  return {
    type: 'SagaStarted',
    v: 1,
    at: AT,
    sagaId,
    sagaType,
    sagaVersion: 1,
    businessKey,
    input: { orderId: sagaId, amount: 42 },
  };
}

export function sampleDispatched(sagaId: string, step: string, attempt: number): CommandDispatched {
  return {
    type: 'CommandDispatched',
    v: 1,
    at: AT,
    step,
    direction: 'forward',
    attempt,
    messageId: `${sagaId}.${step}.f.${attempt}`,
    participant: 'contract-service',
    command: 'DoSomething',
    payload: awkwardPayload,
    timeoutAt: null,
  };
}

export function sampleSucceeded(step: string, attempt: number, replyId: string): StepSucceeded {
  return { type: 'StepSucceeded', v: 1, at: AT, step, attempt, replyId, patch: { done: step } };
}

export const sampleCompleted: SagaCompleted = { type: 'SagaCompleted', v: 1, at: AT };

/** A state at `version` (the number of events in the stream after the append). */
export function sampleState(
  sagaId: string,
  sagaType: string,
  businessKey: string | null,
  version: number,
  status: SagaStatus = 'RUNNING',
): SagaState {
  return {
    sagaId,
    sagaType,
    sagaVersion: 1,
    businessKey,
    status,
    input: { orderId: sagaId, amount: 42 },
    data: { orderId: sagaId, amount: 42, extra: awkwardPayload },
    version,
    steps: {},
    activeSteps: [],
    pendingTimers: [],
    failure: null,
    startedAt: AT,
    updatedAt: AT,
    endedAt: status === 'COMPLETED' ? AT : null,
  };
}

export function sampleMessage(id: string, key: string, value = `{"id":"${id}"}`): OutboxMessage {
  return {
    id,
    topic: 'contract.commands',
    key,
    headers: { 'saga-id': key, 'message-id': id },
    value,
  };
}
