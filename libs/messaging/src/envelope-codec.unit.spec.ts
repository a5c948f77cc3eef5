import { type JsonObject, MAX_REPORTED_ISSUES, SagaflowError } from '@sagaflow/core';
import {
  commandEnvelope,
  compensationEnvelope,
  failureReplyEnvelope,
  jsonCopy,
  successReplyEnvelope,
  thrownBy,
} from './__fixtures__/envelopes';
import { DEFAULT_MAX_MESSAGE_BYTES } from './codec-options';
import { type Envelope } from './envelope';
import {
  type DecodeResult,
  decodeCommand,
  decodeEnvelope,
  decodeReply,
  encodeEnvelope,
} from './envelope-codec';
import { MessageDecodeError, MessageDecodeErrorCode, MessageEncodeError } from './errors';

function decodeError(result: DecodeResult): MessageDecodeError {
  if (result.ok) throw new Error(`expected a decode error, got ${JSON.stringify(result)}`);
  return result.error;
}

function decodeObject(value: unknown): MessageDecodeError {
  return decodeError(decodeEnvelope(JSON.stringify(value)));
}

describe('envelope codec', () => {
  describe('round trip', () => {
    it.each<[string, Envelope]>([
      ['command', commandEnvelope],
      ['compensation', compensationEnvelope],
      ['success reply', successReplyEnvelope],
      ['failure reply', failureReplyEnvelope],
    ])('decodes an encoded %s to the same envelope', (_name, envelope) => {
      const decoded = decodeEnvelope(encodeEnvelope(envelope));

      expect(decoded).toEqual({ ok: true, envelope });
    });

    it('writes the same text whatever the order of the fields', () => {
      const reordered = Object.fromEntries(Object.entries(commandEnvelope).reverse()) as Envelope;

      expect(encodeEnvelope(reordered)).toBe(encodeEnvelope(commandEnvelope));
      expect(encodeEnvelope(commandEnvelope)).toMatch(/^\{"schemaVersion":1,"messageId":/);
    });

    it('ignores fields it does not know, so that additive changes need no new version', () => {
      const raw = JSON.stringify({ ...commandEnvelope, priority: 'high' });

      expect(decodeEnvelope(raw)).toEqual({ ok: true, envelope: commandEnvelope });
    });

    it('treats -0 as the 0 JSON makes of it', () => {
      const envelope = { ...commandEnvelope, payload: { delta: -0 } };

      expect(decodeEnvelope(encodeEnvelope(envelope))).toEqual({
        ok: true,
        envelope: { ...commandEnvelope, payload: { delta: 0 } },
      });
    });
  });

  describe('MESSAGE_UNDECODABLE', () => {
    it.each([
      ['truncated JSON', encodeEnvelope(commandEnvelope).slice(0, 80)],
      ['an empty value', ''],
      ['plain text', 'ReserveCredit saga-1'],
      ['a JSON array', JSON.stringify([commandEnvelope])],
      ['JSON null', 'null'],
      ['a JSON string', JSON.stringify(encodeEnvelope(commandEnvelope))],
      ['a JSON number', '42'],
    ])('rejects %s', (_name, raw) => {
      const error = decodeError(decodeEnvelope(raw));

      expect(error.code).toBe(MessageDecodeErrorCode.Undecodable);
      expect(error.context).toEqual({});
    });

    it('says what the JSON was instead of an object', () => {
      expect(decodeError(decodeEnvelope('[1]')).message).toBe(
        'message is not a JSON object (got an array)',
      );
      expect(decodeError(decodeEnvelope('null')).message).toBe(
        'message is not a JSON object (got null)',
      );
      expect(decodeError(decodeEnvelope('true')).message).toBe(
        'message is not a JSON object (got a boolean)',
      );
    });

    it('keeps the parser error as the cause', () => {
      const error = decodeError(decodeEnvelope('{"messageId":'));

      expect(error.message).toMatch(/^message is not valid JSON: /);
      expect(error.cause).toBeInstanceOf(SyntaxError);
    });

    it('rejects a value that is not a string at all (a tombstone passed through)', () => {
      const error = decodeError(decodeEnvelope(null as unknown as string));

      expect(error.code).toBe(MessageDecodeErrorCode.Undecodable);
      expect(error.message).toBe('message is not a string (null)');
    });
  });

  describe('MESSAGE_INVALID', () => {
    it('lists one `path: issue` line per missing field, with the ids it could read', () => {
      const damaged = jsonCopy(commandEnvelope);
      delete damaged.sagaType;
      delete damaged.attempt;

      const error = decodeObject(damaged);

      expect(error.code).toBe(MessageDecodeErrorCode.Invalid);
      expect(error.issues).toEqual([
        'sagaType: Invalid input: expected string, received undefined',
        'attempt: Invalid input: expected number, received undefined',
      ]);
      expect(error.message).toBe(`message is invalid:\n${error.issues.join('\n')}`);
      expect(error.context).toEqual({
        messageId: 'saga-1.reserve-credit.f.1',
        sagaId: 'saga-1',
        step: 'reserve-credit',
        kind: 'command',
        messageType: 'ReserveCredit',
      });
    });

    it('rejects an unknown kind', () => {
      const error = decodeObject({ ...commandEnvelope, kind: 'event' });

      expect(error.code).toBe(MessageDecodeErrorCode.Invalid);
      expect(error.issues).toEqual([
        "kind: Invalid discriminator value. Expected 'command' | 'compensation' | 'reply'",
      ]);
    });

    it('rejects ids with characters outside [A-Za-z0-9._-], and leaves them out of the context', () => {
      const error = decodeObject({ ...commandEnvelope, messageId: 'saga 1/step', sagaId: '' });

      expect(error.issues).toEqual([
        'messageId: expected a non-empty id of characters [A-Za-z0-9._-]',
        'sagaId: expected a non-empty id of characters [A-Za-z0-9._-]',
      ]);
      expect(error.context.messageId).toBeUndefined();
      expect(error.context.sagaId).toBeUndefined();
    });

    it('rejects an id longer than 255 characters', () => {
      const error = decodeObject({ ...commandEnvelope, causationId: 'x'.repeat(256) });

      expect(error.issues).toEqual(['causationId: expected at most 255 characters']);
    });

    it.each([
      ['zero', 0],
      ['negative', -1],
      ['fractional', 1.5],
      ['text', '1'],
    ])('rejects a %s attempt', (_name, attempt) => {
      const error = decodeObject({ ...commandEnvelope, attempt });

      expect(error.code).toBe(MessageDecodeErrorCode.Invalid);
      expect(error.issues).toHaveLength(1);
      expect(error.issues[0]).toMatch(/^attempt: /);
    });

    it.each([
      ['with an offset', '2024-05-01T14:00:00.000+02:00'],
      ['without a time', '2024-05-01'],
      ['that does not exist', '2024-02-30T00:00:00.000Z'],
      ['in epoch millis', 1714564800000],
    ])('rejects a timestamp %s', (_name, occurredAt) => {
      const error = decodeObject({ ...commandEnvelope, occurredAt });

      expect(error.issues).toEqual([expect.stringMatching(/^occurredAt: /) as unknown as string]);
    });

    it('rejects a name with control characters and an empty message type', () => {
      const error = decodeObject({ ...commandEnvelope, step: 'reserve\ncredit', messageType: '' });

      expect(error.issues).toEqual([
        'messageType: expected a non-empty name without control characters',
        'step: expected a non-empty name without control characters',
      ]);
    });

    it('rejects a reply without its outcome, or a failure without its reason', () => {
      const withoutOutcome = jsonCopy(successReplyEnvelope);
      delete withoutOutcome.outcome;
      const withoutFailure = jsonCopy(failureReplyEnvelope);
      delete withoutFailure.failure;

      expect(decodeObject(withoutOutcome).issues).toEqual([
        "outcome: Invalid discriminator value. Expected 'success' | 'failure'",
      ]);
      expect(decodeObject(withoutFailure).issues).toEqual([
        'failure: Invalid input: expected object, received undefined',
      ]);
    });

    it('rejects a reply whose replyTo names no valid command', () => {
      const error = decodeObject({
        ...successReplyEnvelope,
        replyTo: { messageId: 'saga-1.step', kind: 'reply' },
      });

      expect(error.issues).toEqual([
        'replyTo.kind: Invalid option: expected one of "command"|"compensation"',
      ]);
    });

    it('rejects a command without a participant and headers that are not strings', () => {
      const damaged = jsonCopy(commandEnvelope);
      delete damaged.participant;
      damaged.headers = { retries: 3 };

      expect(decodeObject(damaged).issues).toEqual([
        'headers.retries: Invalid input: expected string, received number',
        'participant: Invalid input: expected string, received undefined',
      ]);
    });

    it('names odd payload keys in brackets', () => {
      const error = decodeObject({ ...commandEnvelope, payload: [1, 2] });

      expect(error.issues).toEqual(['payload: Invalid input: expected record, received array']);
      const nested = decodeObject({ ...commandEnvelope, messageType: { 'a b': 1 } });
      expect(nested.issues).toEqual([
        'messageType: Invalid input: expected string, received object',
      ]);
    });

    it('rejects nesting deeper than 64 levels without exhausting the stack', () => {
      const deep = '['.repeat(100_000) + ']'.repeat(100_000);
      const raw = encodeEnvelope(commandEnvelope).replace(
        '"payload":{',
        `"payload":{"deep":${deep},`,
      );

      const error = decodeError(decodeEnvelope(raw));

      expect(error.code).toBe(MessageDecodeErrorCode.Invalid);
      expect(error.issues).toEqual(['(root): nested deeper than 64 levels']);
      expect(error.context.sagaId).toBe('saga-1');
    });

    it('rejects a __proto__ key anywhere rather than silently dropping it', () => {
      const raw = encodeEnvelope(commandEnvelope).replace(
        '"lines":[{',
        '"lines":[{"__proto__":{"polluted":true},',
      );

      const error = decodeError(decodeEnvelope(raw));

      expect(error.code).toBe(MessageDecodeErrorCode.Invalid);
      expect(error.issues).toEqual(['payload.lines[0]: the key "__proto__" is not allowed']);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(decodeError(decodeEnvelope('{"__proto__":1}')).issues).toEqual([
        '(root): the key "__proto__" is not allowed',
      ]);
    });

    it(`reports at most ${MAX_REPORTED_ISSUES} issues`, () => {
      const headers = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`h${i}`, i]));

      const error = decodeObject({ ...commandEnvelope, headers });

      expect(error.issues).toHaveLength(MAX_REPORTED_ISSUES + 1);
      expect(error.issues.at(-1)).toBe('… and 10 more');
    });
  });

  describe('MESSAGE_SCHEMA_UNSUPPORTED', () => {
    it('rejects a schema version it does not read, before validating the shape', () => {
      const error = decodeObject({ schemaVersion: 2, messageId: 'm-1', sagaId: 's-1', body: {} });

      expect(error.code).toBe(MessageDecodeErrorCode.SchemaUnsupported);
      expect(error.message).toBe('message schema version 2 is not supported (supported: 1)');
      expect(error.context).toEqual({ messageId: 'm-1', sagaId: 's-1' });
    });

    it('treats a missing or non-numeric version as invalid', () => {
      const missing = jsonCopy(commandEnvelope);
      delete missing.schemaVersion;

      expect(decodeObject(missing).issues).toEqual(['schemaVersion: Invalid input: expected 1']);
      expect(decodeObject({ ...commandEnvelope, schemaVersion: '1' }).code).toBe(
        MessageDecodeErrorCode.Invalid,
      );
    });
  });

  describe('MESSAGE_TOO_LARGE', () => {
    it('rejects input over 1 MiB by default without parsing it', () => {
      const raw = `{"padding":"${'x'.repeat(DEFAULT_MAX_MESSAGE_BYTES)}"}`;

      const error = decodeError(decodeEnvelope(raw));

      expect(error.code).toBe(MessageDecodeErrorCode.TooLarge);
      expect(error.message).toBe('message is larger than the limit of 1048576 bytes');
      expect(error.context).toEqual({ maxBytes: DEFAULT_MAX_MESSAGE_BYTES });
    });

    it('counts UTF-8 bytes, not characters', () => {
      const raw = encodeEnvelope({ ...commandEnvelope, payload: { note: '€'.repeat(200) } });
      const limit = raw.length + 10;

      expect(decodeError(decodeEnvelope(raw, { maxBytes: limit })).code).toBe(
        MessageDecodeErrorCode.TooLarge,
      );
      expect(decodeEnvelope(raw, { maxBytes: limit + 400 }).ok).toBe(true);
    });

    it('accepts a message of exactly the limit', () => {
      const raw = encodeEnvelope(commandEnvelope);

      expect(decodeEnvelope(raw, { maxBytes: raw.length }).ok).toBe(true);
      expect(decodeError(decodeEnvelope(raw, { maxBytes: raw.length - 1 })).code).toBe(
        MessageDecodeErrorCode.TooLarge,
      );
    });
  });

  describe('errors', () => {
    it('are terminal SagaflowErrors with a stable code and a JSON view', () => {
      const error = decodeError(decodeEnvelope('nope'));

      expect(error).toBeInstanceOf(SagaflowError);
      expect(error).toBeInstanceOf(MessageDecodeError);
      expect(error.name).toBe('MessageDecodeError');
      expect(error.retryable).toBe(false);
      expect(error.issues).toEqual([]);
      expect(error.toJSON()).toEqual({
        name: 'MessageDecodeError',
        code: 'MESSAGE_UNDECODABLE',
        message: error.message,
        retryable: false,
        context: {},
      });
    });

    it('refuse an invalid size limit, naming the field and the value', () => {
      expect(() => decodeEnvelope('{}', { maxBytes: 0 })).toThrow(
        'resolveCodecOptions: invalid options: maxBytes=0 (expected an integer > 0)',
      );
      expect(() => encodeEnvelope(commandEnvelope, { maxBytes: 1.5 })).toThrow(
        'resolveCodecOptions: invalid options: maxBytes=1.5 (expected an integer > 0)',
      );
    });
  });

  describe('kind checks', () => {
    it('decodeCommand accepts commands and compensations', () => {
      expect(decodeCommand(encodeEnvelope(commandEnvelope))).toEqual({
        ok: true,
        envelope: commandEnvelope,
      });
      expect(decodeCommand(encodeEnvelope(compensationEnvelope))).toEqual({
        ok: true,
        envelope: compensationEnvelope,
      });
    });

    it('decodeCommand rejects a reply as invalid', () => {
      const result = decodeCommand(encodeEnvelope(successReplyEnvelope));

      const error = decodeError(result);
      expect(error.code).toBe(MessageDecodeErrorCode.Invalid);
      expect(error.issues).toEqual([
        "kind: expected 'command' or 'compensation', received 'reply'",
      ]);
      expect(error.context.messageId).toBe(successReplyEnvelope.messageId);
    });

    it('decodeReply accepts replies and rejects commands as invalid', () => {
      expect(decodeReply(encodeEnvelope(failureReplyEnvelope))).toEqual({
        ok: true,
        envelope: failureReplyEnvelope,
      });

      const error = decodeError(decodeReply(encodeEnvelope(compensationEnvelope)));
      expect(error.code).toBe(MessageDecodeErrorCode.Invalid);
      expect(error.issues).toEqual(["kind: expected 'reply', received 'compensation'"]);
    });

    it('both report the other codes as decodeEnvelope does', () => {
      expect(decodeError(decodeCommand('[]')).code).toBe(MessageDecodeErrorCode.Undecodable);
      expect(decodeError(decodeReply('{"schemaVersion":9}')).code).toBe(
        MessageDecodeErrorCode.SchemaUnsupported,
      );
    });
  });

  describe('encoding', () => {
    it('refuses an envelope no consumer could decode, with the ids it has', () => {
      const envelope = { ...commandEnvelope, participant: 'payment service' };

      const error = thrownBy(() => encodeEnvelope(envelope));

      expect(error).toBeInstanceOf(MessageEncodeError);
      expect(error).toMatchObject({
        code: 'MESSAGE_NOT_ENCODABLE',
        retryable: false,
        issues: ['participant: expected a non-empty id of characters [A-Za-z0-9._-]'],
        context: { messageId: commandEnvelope.messageId, sagaId: commandEnvelope.sagaId },
      });
    });

    it('refuses payloads that JSON would silently change', () => {
      const withNaN = { ...commandEnvelope, payload: { amount: Number.NaN } };
      const withUndefined = {
        ...commandEnvelope,
        payload: { amount: undefined },
      } as unknown as Envelope;
      const withDate = { ...commandEnvelope, payload: { at: new Date(0) } } as unknown as Envelope;
      const expected =
        'payload.amount: expected a JSON value (string, finite number, boolean, null, array or object)';

      expect(() => encodeEnvelope(withNaN)).toThrow(expected);
      expect(() => encodeEnvelope(withUndefined)).toThrow(expected);
      expect(() => encodeEnvelope(withDate)).toThrow(
        'payload.at: expected a JSON value (string, finite number, boolean, null, array or object)',
      );
    });

    it('refuses a cyclic payload instead of overflowing the stack', () => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const envelope = { ...commandEnvelope, payload: cyclic } as unknown as Envelope;

      expect(() => encodeEnvelope(envelope)).toThrow(
        'message is invalid:\n(root): nested deeper than 64 levels',
      );
    });

    it('refuses an encoding larger than the limit', () => {
      const envelope = { ...commandEnvelope, payload: { blob: 'x'.repeat(2_000) } };

      expect(() => encodeEnvelope(envelope, { maxBytes: 1_000 })).toThrow(
        /^message is \d+ bytes, larger than the limit of 1000 bytes$/,
      );
    });

    it('refuses a __proto__ key, which decoding would drop', () => {
      const payload = JSON.parse('{"order":{"__proto__":{"admin":true}}}') as JsonObject;

      expect(() => encodeEnvelope({ ...commandEnvelope, payload })).toThrow(
        'message is invalid:\npayload.order: the key "__proto__" is not allowed',
      );
    });

    it('drops fields the schema does not know', () => {
      const envelope = { ...commandEnvelope, internal: 'x' } as Envelope;

      expect(encodeEnvelope(envelope)).toBe(encodeEnvelope(commandEnvelope));
    });
  });
});
