import { type JsonObject } from '@sagaflow/core';
import fc from 'fast-check';
import { unicodeText } from './__fixtures__/unicode-text';
import { type CommandEnvelope } from './command-envelope';
import { type Envelope } from './envelope';
import { decodeCommand, decodeEnvelope, decodeReply, encodeEnvelope } from './envelope-codec';
import { MessageDecodeErrorCode } from './errors';
import { type ReplyEnvelope } from './reply-envelope';

const id = fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/);
const name = unicodeText({ minLength: 1, maxLength: 24 }).filter((text) => /^\P{Cc}+$/u.test(text));
const positive = fc.integer({ min: 1, max: 1_000 });
const timestamp = fc
  .date({
    min: new Date('1970-01-01T00:00:00.000Z'),
    max: new Date('9999-12-31T23:59:59.999Z'),
    noInvalidDate: true,
  })
  .map((date) => date.toISOString());
const headers = fc.dictionary(
  unicodeText({ maxLength: 12 }).filter((key) => key !== '__proto__'),
  fc.string(),
  { maxKeys: 4 },
);
// As JSON carries it: -0 becomes 0; `__proto__` keys are refused by the codec (own spec).
const payload = fc
  .dictionary(unicodeText({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), {
    maxKeys: 5,
  })
  .map((value) => JSON.parse(JSON.stringify(value)) as JsonObject)
  .filter((value) => !JSON.stringify(value).includes('"__proto__"'));

const base = {
  schemaVersion: fc.constant(1 as const),
  messageId: id,
  messageType: name,
  sagaId: id,
  sagaType: name,
  sagaVersion: positive,
  step: name,
  attempt: positive,
  correlationId: id,
  causationId: fc.option(id, { nil: null }),
  occurredAt: timestamp,
  source: name,
  headers,
  payload,
};

const commandEnvelope: fc.Arbitrary<CommandEnvelope> = fc.record({
  ...base,
  kind: fc.constantFrom('command' as const, 'compensation' as const),
  participant: id,
});

const replyBase = {
  ...base,
  kind: fc.constant('reply' as const),
  replyTo: fc.record({
    messageId: id,
    kind: fc.constantFrom('command' as const, 'compensation' as const),
  }),
};

const replyEnvelope: fc.Arbitrary<ReplyEnvelope> = fc.oneof(
  fc.record({ ...replyBase, outcome: fc.constant('success' as const) }),
  fc.record({
    ...replyBase,
    outcome: fc.constant('failure' as const),
    failure: fc.record({
      kind: fc.constantFrom('business' as const, 'technical' as const),
      code: name,
      message: unicodeText(),
    }),
  }),
);

const envelope: fc.Arbitrary<Envelope> = fc.oneof(commandEnvelope, replyEnvelope);

const decodeCodes: readonly string[] = Object.values(MessageDecodeErrorCode);

describe('envelope codec properties', () => {
  it('decodes every valid encoded envelope to the same envelope', () => {
    fc.assert(
      fc.property(envelope, (generated) => {
        const raw = encodeEnvelope(generated);

        expect(decodeEnvelope(raw)).toEqual({ ok: true, envelope: generated });
        const byKind = generated.kind === 'reply' ? decodeReply(raw) : decodeCommand(raw);
        expect(byKind.ok).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary text, and explains every rejection with a known code', () => {
    fc.assert(
      fc.property(fc.oneof(unicodeText(), fc.json()), (raw) => {
        const result = decodeEnvelope(raw);

        expect(result.ok).toBe(false);
        if (!result.ok) expect(decodeCodes).toContain(result.error.code);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on a valid envelope with one field replaced by arbitrary JSON', () => {
    fc.assert(
      fc.property(envelope, fc.jsonValue({ maxDepth: 2 }), fc.nat(), (generated, junk, pick) => {
        const fields = Object.keys(generated);
        const field = fields[pick % fields.length]!;
        const damaged = { ...generated, [field]: junk };

        const result = decodeEnvelope(JSON.stringify(damaged));

        if (result.ok) expect(result.envelope.kind).toBe(generated.kind);
        else expect(decodeCodes).toContain(result.error.code);
      }),
      { numRuns: 300 },
    );
  });
});
