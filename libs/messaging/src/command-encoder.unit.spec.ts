import { InvalidArgumentError, type SagaCommand } from '@sagaflow/core';
import { commandEnvelope, occurredAt, reserveCredit, thrownBy } from './__fixtures__/envelopes';
import { createCommandEncoder } from './command-encoder';
import { commandToEnvelope } from './command-to-envelope';
import { decodeCommand } from './envelope-codec';
import { MessageEncodeError } from './errors';
import { createTopicNames } from './topic-names';

const releaseCredit: SagaCommand = {
  ...reserveCredit,
  messageId: 'saga-1.reserve-credit.c.2',
  direction: 'compensation',
  attempt: 2,
  command: 'ReleaseCredit',
  payload: { reservationId: 'r-99' },
};

describe('commandToEnvelope', () => {
  it('maps a forward command to a command envelope correlated by its saga', () => {
    const envelope = commandToEnvelope(reserveCredit, {
      source: 'orchestrator',
      occurredAt,
      headers: commandEnvelope.headers,
    });

    expect(envelope).toEqual(commandEnvelope);
  });

  it('maps a compensation command to a compensation envelope with no headers by default', () => {
    const envelope = commandToEnvelope(releaseCredit, { source: 'orchestrator', occurredAt });

    expect(envelope).toMatchObject({
      kind: 'compensation',
      messageId: 'saga-1.reserve-credit.c.2',
      messageType: 'ReleaseCredit',
      attempt: 2,
      correlationId: 'saga-1',
      causationId: null,
      headers: {},
      payload: { reservationId: 'r-99' },
    });
  });

  it('refuses an invalid date with a typed error', () => {
    const error = thrownBy(() =>
      commandToEnvelope(reserveCredit, { source: 'orchestrator', occurredAt: new Date(NaN) }),
    );

    expect(error).toBeInstanceOf(MessageEncodeError);
    expect(error).toMatchObject({ message: 'occurredAt is not a valid date', retryable: false });
  });
});

describe('createCommandEncoder', () => {
  const topics = createTopicNames({ prefix: 'spec.' });
  const encoder = createCommandEncoder({ topics, source: 'orchestrator' });

  it("puts a command on its participant's topic, keyed by saga id", () => {
    const { value, ...message } = encoder.encode(reserveCredit, occurredAt);

    expect(message).toEqual({
      id: 'saga-1.reserve-credit.f.1',
      topic: 'spec.payment-service.commands',
      key: 'saga-1',
      headers: {
        'sagaflow-message-id': 'saga-1.reserve-credit.f.1',
        'sagaflow-kind': 'command',
        'sagaflow-message-type': 'ReserveCredit',
        'sagaflow-saga-id': 'saga-1',
        'sagaflow-schema-version': '1',
        'sagaflow-source': 'orchestrator',
      },
    });
    expect(decodeCommand(value)).toEqual({
      ok: true,
      envelope: { ...commandEnvelope, headers: {} },
    });
  });

  it('is deterministic: the same command and time give the same message', () => {
    expect(encoder.encode(releaseCredit, occurredAt)).toEqual(
      encoder.encode({ ...releaseCredit }, new Date(occurredAt.getTime())),
    );
  });

  it('refuses a command whose participant cannot name a topic', () => {
    expect(() =>
      encoder.encode({ ...reserveCredit, participant: 'payment service' }, occurredAt),
    ).toThrow(InvalidArgumentError);
  });

  it('refuses a command it cannot encode', () => {
    const huge = { ...reserveCredit, payload: { blob: 'x'.repeat(500) } };
    const small = createCommandEncoder({ topics, source: 'orchestrator', maxBytes: 400 });

    expect(() => small.encode(huge, occurredAt)).toThrow(/larger than the limit of 400 bytes/);
    expect(() => encoder.encode({ ...reserveCredit, sagaId: 'saga 1' }, occurredAt)).toThrow(
      MessageEncodeError,
    );
  });

  it('validates its options at construction', () => {
    expect(() => createCommandEncoder({ topics, source: '' })).toThrow(
      'createCommandEncoder: invalid options: source="" (expected a non-empty name without control characters, at most 255 characters)',
    );
    expect(() => createCommandEncoder({ topics, source: 'orchestrator', maxBytes: -5 })).toThrow(
      'resolveCodecOptions: invalid options: maxBytes=-5 (expected an integer > 0)',
    );
  });
});
