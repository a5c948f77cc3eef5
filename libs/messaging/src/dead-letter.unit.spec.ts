import { BusinessError, type DeadLetter } from '@sagaflow/core';
import { commandEnvelope, jsonCopy, thrownBy } from './__fixtures__/envelopes';
import {
  createDeadLetterRecord,
  DEFAULT_MAX_DEAD_LETTER_VALUE_BYTES,
  type DeadLetterInput,
  MAX_REASON_MESSAGE_LENGTH,
  toDeadLetter,
  UNEXPECTED_ERROR_CODE,
} from './create-dead-letter-record';
import { decodeDeadLetter, encodeDeadLetter } from './dead-letter-codec';
import { type DeadLetterRecord } from './dead-letter-record';
import { decodeCommand, encodeEnvelope } from './envelope-codec';
import { MessageDecodeError, MessageDecodeErrorCode, MessageEncodeError } from './errors';
import { envelopeHeaders } from './message-headers';
import { utf8ByteLength } from './utf8-byte-length';

const failedAt = new Date('2024-05-01T12:00:02.000Z');

function consumed(value: string | null, error: unknown): DeadLetterInput {
  return {
    sourceTopic: 'sagaflow.payment-service.commands',
    partition: 3,
    offset: '1042',
    key: 'saga-1',
    value,
    headers: envelopeHeaders(commandEnvelope),
    consumer: 'payment-service',
    failedAt,
    error,
  };
}

function decodeFailure(raw: string): unknown {
  const result = decodeCommand(raw);
  if (result.ok) throw new Error('expected a decode failure');
  return result.error;
}

describe('dead letters', () => {
  it('records an invalid command with its reason and ids, and round-trips', () => {
    const raw = JSON.stringify({ ...commandEnvelope, attempt: 0 });

    const record = createDeadLetterRecord(consumed(raw, decodeFailure(raw)));

    expect(record).toEqual<DeadLetterRecord>({
      schemaVersion: 1,
      sourceTopic: 'sagaflow.payment-service.commands',
      partition: 3,
      offset: '1042',
      key: 'saga-1',
      value: raw,
      valueTruncated: false,
      headers: envelopeHeaders(commandEnvelope),
      reason: {
        code: 'MESSAGE_INVALID',
        message: 'message is invalid:\nattempt: Too small: expected number to be >0',
      },
      consumer: 'payment-service',
      failedAt: '2024-05-01T12:00:02.000Z',
      messageId: 'saga-1.reserve-credit.f.1',
      sagaId: 'saga-1',
    });
    expect(decodeDeadLetter(encodeDeadLetter(record))).toEqual({ ok: true, record });
  });

  it('takes the ids from the Sagaflow headers when the value has none', () => {
    const record = createDeadLetterRecord(consumed('not json', decodeFailure('not json')));

    expect(record.reason.code).toBe('MESSAGE_UNDECODABLE');
    expect(record.messageId).toBe('saga-1.reserve-credit.f.1');
    expect(record.sagaId).toBe('saga-1');
  });

  it("prefers the ids the error read from the value over the record's headers", () => {
    const raw = JSON.stringify({
      ...commandEnvelope,
      messageId: 'saga-2.step.f.1',
      sagaId: 'saga-2',
      attempt: 0,
    });

    const record = createDeadLetterRecord(consumed(raw, decodeFailure(raw)));

    expect(record.messageId).toBe('saga-2.step.f.1');
    expect(record.sagaId).toBe('saga-2');
  });

  it('leaves the ids null when neither the error nor the headers carry valid ones', () => {
    const input = {
      ...consumed(null, new Error('boom')),
      key: null,
      headers: { 'sagaflow-saga-id': 'bad id' },
    };

    const record = createDeadLetterRecord(input);

    expect(record).toMatchObject({
      value: null,
      valueTruncated: false,
      key: null,
      messageId: null,
      sagaId: null,
      reason: { code: UNEXPECTED_ERROR_CODE, message: 'boom' },
    });
    expect(decodeDeadLetter(encodeDeadLetter(record))).toEqual({ ok: true, record });
  });

  it("uses a SagaflowError's code and a thrown value's text", () => {
    const business = createDeadLetterRecord(
      consumed('{}', new BusinessError('OUT_OF_STOCK', 'no stock', { sagaId: 'saga-9' })),
    );
    const thrownString = createDeadLetterRecord(consumed('{}', 'unknown command type'));

    expect(business.reason).toEqual({ code: 'BUSINESS_FAILURE', message: 'no stock' });
    expect(business.sagaId).toBe('saga-9');
    expect(business.messageId).toBe('saga-1.reserve-credit.f.1');
    expect(thrownString.reason).toEqual({
      code: UNEXPECTED_ERROR_CODE,
      message: 'unknown command type',
    });
  });

  it('caps a long reason message', () => {
    const record = createDeadLetterRecord(consumed('{}', new Error('x'.repeat(10_000))));

    expect(record.reason.message).toHaveLength(MAX_REASON_MESSAGE_LENGTH);
    expect(record.reason.message.endsWith('…')).toBe(true);
  });

  it('cuts a value too large for the dead-letter topic, and says so', () => {
    const huge = `{"blob":"${'é'.repeat(DEFAULT_MAX_DEAD_LETTER_VALUE_BYTES)}"}`;

    const record = createDeadLetterRecord(consumed(huge, decodeFailure(huge)));

    expect(record.reason.code).toBe('MESSAGE_TOO_LARGE');
    expect(record.valueTruncated).toBe(true);
    expect(huge.startsWith(record.value ?? 'missing')).toBe(true);
    expect(utf8ByteLength(JSON.stringify(record.value))).toBeLessThanOrEqual(
      DEFAULT_MAX_DEAD_LETTER_VALUE_BYTES,
    );
    expect(utf8ByteLength(JSON.stringify(record.value))).toBeGreaterThan(
      DEFAULT_MAX_DEAD_LETTER_VALUE_BYTES - 4,
    );
    expect(decodeDeadLetter(encodeDeadLetter(record)).ok).toBe(true);
  });

  it('counts the JSON escapes of the value and never splits a surrogate pair', () => {
    const value = `"\n😀😀😀😀`;

    const record = createDeadLetterRecord(consumed(value, new Error('bad')), { maxValueBytes: 13 });

    // `"\"\n😀` is 2 quotes + 2 + 2 + 4 = 10 bytes; one more emoji would make 14.
    expect(record.value).toBe('"\n😀');
    expect(record.valueTruncated).toBe(true);
    // A lone high surrogate would fit 8 bytes (`"\ud83d"`), the whole emoji fits better.
    expect(createDeadLetterRecord(consumed('😀😀', 'x'), { maxValueBytes: 8 }).value).toBe('😀');
  });

  it('validates its options and the failure time', () => {
    expect(() => createDeadLetterRecord(consumed('{}', 'x'), { maxValueBytes: 1 })).toThrow(
      'createDeadLetterRecord: invalid options: maxValueBytes=1 (expected an integer ≥ 2)',
    );
    expect(
      thrownBy(() => createDeadLetterRecord({ ...consumed('{}', 'x'), failedAt: new Date(NaN) })),
    ).toBeInstanceOf(MessageEncodeError);
  });

  describe('codec', () => {
    const record = createDeadLetterRecord(consumed(encodeEnvelope(commandEnvelope), 'replayed'));

    it('refuses to encode an invalid record, naming the fields', () => {
      const invalid = { ...record, partition: -1, offset: 'latest' };

      expect(() => encodeDeadLetter(invalid)).toThrow(
        'dead-letter record is invalid:\npartition: Too small: expected number to be >=0\noffset: expected a non-negative integer as text',
      );
    });

    it('refuses to encode a record larger than the limit', () => {
      expect(() => encodeDeadLetter(record, { maxBytes: 100 })).toThrow(
        /^dead-letter record is \d+ bytes, larger than the limit of 100 bytes$/,
      );
    });

    it('rejects what is not a dead-letter record, never throwing', () => {
      const damaged = jsonCopy(record);
      delete damaged.reason;
      const results = [
        decodeDeadLetter('{'),
        decodeDeadLetter(JSON.stringify({ ...record, schemaVersion: 3 })),
        decodeDeadLetter(JSON.stringify(damaged)),
        decodeDeadLetter(JSON.stringify({ ...record, sourceTopic: 'a/b' })),
        decodeDeadLetter(encodeDeadLetter(record), { maxBytes: 10 }),
      ];

      expect(results.map((result) => (result.ok ? 'ok' : result.error.code))).toEqual([
        MessageDecodeErrorCode.Undecodable,
        MessageDecodeErrorCode.SchemaUnsupported,
        MessageDecodeErrorCode.Invalid,
        MessageDecodeErrorCode.Invalid,
        MessageDecodeErrorCode.TooLarge,
      ]);
      const invalid = results[2];
      expect(invalid?.ok === false && invalid.error.issues).toEqual([
        'reason: Invalid input: expected object, received undefined',
      ]);
    });
  });
});

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
