import { type ReplyInput } from '@sagaflow/core';
import {
  commandEnvelope,
  compensationEnvelope,
  failureReplyEnvelope,
  occurredAt,
  reserveCredit,
  successReplyEnvelope,
  thrownBy,
} from './__fixtures__/envelopes';
import { createCommandEncoder } from './command-encoder';
import { decodeCommand, decodeReply } from './envelope-codec';
import { MessageEncodeError } from './errors';
import { failureReply, replyMessageId, successReply } from './reply-builders';
import { replyToInput } from './reply-to-input';
import { replyToOutboxMessage } from './reply-to-outbox-message';
import { createTopicNames } from './topic-names';

const repliedAt = new Date('2024-05-01T12:00:01.250Z');
const meta = { source: 'payment-service', occurredAt: repliedAt };
const commandWithoutHeaders = { ...commandEnvelope, headers: {} };

describe('replyMessageId', () => {
  it('derives the reply id from the command id, the same every time', () => {
    expect(replyMessageId('saga-1.reserve-credit.f.1')).toBe('saga-1.reserve-credit.f.1.r');
    expect(replyMessageId('saga-1.reserve-credit.f.1')).toBe(
      replyMessageId('saga-1.reserve-credit.f.1'),
    );
  });
});

describe('successReply / failureReply', () => {
  it('answers a command with its saga, step, attempt and type, caused by the command', () => {
    expect(successReply(commandWithoutHeaders, { reservationId: 'r-99' }, meta)).toEqual(
      successReplyEnvelope,
    );
  });

  it('answers with a failure and an empty payload', () => {
    const failure = {
      kind: 'business',
      code: 'CREDIT_LIMIT_EXCEEDED',
      message: 'limit is 100',
    } as const;

    expect(failureReply(commandWithoutHeaders, failure, meta)).toEqual(failureReplyEnvelope);
  });

  it('answers a compensation as a compensation', () => {
    const reply = successReply(compensationEnvelope, {}, meta);

    expect(reply.replyTo).toEqual({ messageId: 'saga-1.reserve-credit.c.1', kind: 'compensation' });
    expect(reply.messageId).toBe('saga-1.reserve-credit.c.1.r');
    expect(reply.messageType).toBe('ReleaseCredit');
  });

  it("inherits the command's headers, merged with its own, and takes an explicit id", () => {
    const reply = failureReply(
      commandEnvelope,
      { kind: 'technical', code: 'DB_DOWN', message: 'connection refused' },
      { ...meta, messageId: 'custom-reply-1', headers: { 'x-retry': '3' } },
    );

    expect(reply.messageId).toBe('custom-reply-1');
    expect(reply.headers).toEqual({ ...commandEnvelope.headers, 'x-retry': '3' });
  });

  it('refuses an invalid date with a typed error', () => {
    expect(
      thrownBy(() => successReply(commandEnvelope, {}, { ...meta, occurredAt: new Date('x') })),
    ).toBeInstanceOf(MessageEncodeError);
  });
});

describe('replyToOutboxMessage', () => {
  it('puts a reply on the replies topic, keyed by saga id', () => {
    const topics = createTopicNames({ prefix: 'spec.' });

    const message = replyToOutboxMessage(successReplyEnvelope, topics);

    expect(message).toMatchObject({
      id: 'saga-1.reserve-credit.f.1.r',
      topic: 'spec.saga.replies',
      key: 'saga-1',
      headers: {
        'sagaflow-message-id': 'saga-1.reserve-credit.f.1.r',
        'sagaflow-kind': 'reply',
        'sagaflow-message-type': 'ReserveCredit',
        'sagaflow-saga-id': 'saga-1',
        'sagaflow-schema-version': '1',
        'sagaflow-source': 'payment-service',
      },
    });
    expect(decodeReply(message.value)).toEqual({ ok: true, envelope: successReplyEnvelope });
  });

  it('refuses a reply larger than the limit', () => {
    const topics = createTopicNames();
    const reply = { ...successReplyEnvelope, payload: { blob: 'x'.repeat(1_000) } };

    expect(() => replyToOutboxMessage(reply, topics, { maxBytes: 500 })).toThrow(
      MessageEncodeError,
    );
  });
});

describe('replyToInput', () => {
  it('maps a success reply to the decider input', () => {
    expect(replyToInput(successReplyEnvelope)).toEqual<ReplyInput>({
      type: 'reply',
      replyId: 'saga-1.reserve-credit.f.1.r',
      sagaId: 'saga-1',
      step: 'reserve-credit',
      direction: 'forward',
      attempt: 1,
      outcome: 'success',
      payload: { reservationId: 'r-99' },
    });
  });

  it('maps a failure reply to a compensation to the decider input', () => {
    const reply = failureReply(
      compensationEnvelope,
      { kind: 'technical', code: 'TIMEOUT_DB', message: 'lock wait' },
      meta,
    );

    expect(replyToInput(reply)).toEqual<ReplyInput>({
      type: 'reply',
      replyId: 'saga-1.reserve-credit.c.1.r',
      sagaId: 'saga-1',
      step: 'reserve-credit',
      direction: 'compensation',
      attempt: 1,
      outcome: 'failure',
      failure: { kind: 'technical', code: 'TIMEOUT_DB', message: 'lock wait' },
    });
  });
});

describe('command → envelope → reply → input, through Kafka-shaped messages', () => {
  it('carries a saga command to the decider input of its reply', () => {
    const topics = createTopicNames({ prefix: 'flow.' });
    const encoder = createCommandEncoder({ topics, source: 'orchestrator' });

    const commandMessage = encoder.encode(reserveCredit, occurredAt);
    const received = decodeCommand(commandMessage.value);
    if (!received.ok) throw received.error;
    const replyMessage = replyToOutboxMessage(
      successReply(received.envelope, { reservationId: 'r-99' }, meta),
      topics,
    );
    const answered = decodeReply(replyMessage.value);
    if (!answered.ok) throw answered.error;

    expect(commandMessage.topic).toBe('flow.payment-service.commands');
    expect(replyMessage.topic).toBe('flow.saga.replies');
    expect(replyMessage.key).toBe(commandMessage.key);
    expect(answered.envelope.causationId).toBe(commandMessage.id);
    expect(replyToInput(answered.envelope)).toEqual<ReplyInput>({
      type: 'reply',
      replyId: `${reserveCredit.messageId}.r`,
      sagaId: reserveCredit.sagaId,
      step: reserveCredit.step,
      direction: reserveCredit.direction,
      attempt: reserveCredit.attempt,
      outcome: 'success',
      payload: { reservationId: 'r-99' },
    });
  });

  it('gives a re-sent reply the same message, so the EventProcess table sees a duplicate', () => {
    const topics = createTopicNames();
    const first = replyToOutboxMessage(successReply(commandEnvelope, {}, meta), topics);
    const again = replyToOutboxMessage(successReply(commandEnvelope, {}, meta), topics);

    expect(again).toEqual(first);
  });
});
