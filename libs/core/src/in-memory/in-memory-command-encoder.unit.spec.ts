import { InvalidArgumentError } from '../errors/errors';
import { type SagaCommand } from '../model/saga-command';
import { InMemoryCommandEncoder } from './in-memory-command-encoder';

const command: SagaCommand = {
  messageId: 's-1.reserve.f.2',
  sagaId: 's-1',
  sagaType: 'order',
  sagaVersion: 3,
  step: 'reserve',
  direction: 'forward',
  attempt: 2,
  participant: 'payment-service',
  command: 'ReserveCredit',
  payload: { amount: 10, nested: { list: [1, 'two'] } },
};

describe('InMemoryCommandEncoder', () => {
  const encoder = new InMemoryCommandEncoder();
  const at = new Date('2030-01-01T00:00:00Z');

  it('puts the command on <participant>.commands, keyed by saga id, and decodes it back', () => {
    const message = encoder.encode(command, at);
    expect(message).toMatchObject({
      id: 's-1.reserve.f.2',
      topic: 'payment-service.commands',
      key: 's-1',
      headers: { 'saga-id': 's-1', step: 'reserve', direction: 'forward', attempt: '2' },
    });
    expect(encoder.decode(message)).toEqual({ command, occurredAt: '2030-01-01T00:00:00.000Z' });
  });

  it('is deterministic', () => {
    expect(encoder.encode(command, at)).toEqual(encoder.encode(command, at));
  });

  it.each([
    ['not JSON', '{'],
    ['no command', '{"occurredAt":"x"}'],
    ['a command without its fields', '{"occurredAt":"x","command":{"sagaId":"s"}}'],
    [
      'a bad direction',
      JSON.stringify({ occurredAt: 'x', command: { ...command, direction: 'sideways' } }),
    ],
    ['an array', '[]'],
  ])('rejects %s', (_, value) => {
    expect(() => encoder.decode({ value })).toThrow(InvalidArgumentError);
  });
});
