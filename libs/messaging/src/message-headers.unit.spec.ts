import { commandEnvelope, failureReplyEnvelope } from './__fixtures__/envelopes';
import { envelopeHeaders, MESSAGE_HEADER_NAMES, MessageHeader } from './message-headers';

describe('message headers', () => {
  it('names every Sagaflow header', () => {
    expect(MESSAGE_HEADER_NAMES).toEqual([
      'sagaflow-message-id',
      'sagaflow-kind',
      'sagaflow-message-type',
      'sagaflow-saga-id',
      'sagaflow-schema-version',
      'sagaflow-source',
    ]);
  });

  it('carries the routing fields of a command and its free-form headers', () => {
    expect(envelopeHeaders(commandEnvelope)).toEqual({
      traceparent: commandEnvelope.headers.traceparent,
      'sagaflow-message-id': 'saga-1.reserve-credit.f.1',
      'sagaflow-kind': 'command',
      'sagaflow-message-type': 'ReserveCredit',
      'sagaflow-saga-id': 'saga-1',
      'sagaflow-schema-version': '1',
      'sagaflow-source': 'orchestrator',
    });
  });

  it('carries the kind of a reply', () => {
    const headers = envelopeHeaders(failureReplyEnvelope);

    expect(headers[MessageHeader.Kind]).toBe('reply');
    expect(headers[MessageHeader.MessageId]).toBe('saga-1.reserve-credit.f.1.r');
    expect(headers[MessageHeader.Source]).toBe('payment-service');
  });

  it('does not let a free-form header override a Sagaflow header', () => {
    const envelope = {
      ...commandEnvelope,
      headers: { [MessageHeader.SagaId]: 'forged', 'x-tenant': 't-1' },
    };

    const headers = envelopeHeaders(envelope);

    expect(headers[MessageHeader.SagaId]).toBe('saga-1');
    expect(headers['x-tenant']).toBe('t-1');
  });
});
