import { type DeadLetter } from '@sagaflow/core';

import { commandEnvelope } from './__fixtures__/envelopes';
import { createDeadLetterRecord } from './create-dead-letter-record';
import { encodeEnvelope } from './envelope-codec';
import { MessageDecodeError, MessageDecodeErrorCode } from './errors';
import { envelopeHeaders } from './message-headers';
import { toDeadLetter } from './to-dead-letter';

describe('toDeadLetter', () => {
  it('keeps every field of the record but its schema version', () => {
    const record = createDeadLetterRecord({
      sourceTopic: 'sagaflow.payment-service.commands',
      partition: 1,
      offset: '9007199254740993',
      key: null,
      value: encodeEnvelope(commandEnvelope),
      headers: envelopeHeaders(commandEnvelope),
      consumer: 'payment-service',
      failedAt: new Date('2030-01-02T03:04:05.678Z'),
      error: new MessageDecodeError(MessageDecodeErrorCode.Invalid, 'attempt: too small'),
    });

    const deadLetter = toDeadLetter(record);

    expect(deadLetter).toEqual<DeadLetter>({
      consumer: 'payment-service',
      sourceTopic: 'sagaflow.payment-service.commands',
      partition: 1,
      offset: '9007199254740993',
      key: null,
      value: record.value,
      valueTruncated: false,
      headers: envelopeHeaders(commandEnvelope),
      reason: { code: MessageDecodeErrorCode.Invalid, message: 'attempt: too small' },
      messageId: commandEnvelope.messageId,
      sagaId: commandEnvelope.sagaId,
      failedAt: '2030-01-02T03:04:05.678Z',
    });
    expect(deadLetter).not.toHaveProperty('schemaVersion');
  });
});
