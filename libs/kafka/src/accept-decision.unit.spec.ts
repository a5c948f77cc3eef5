import { command, reply } from './__fixtures__/envelopes';
import { acceptAll, acceptOnly, RejectReason } from './accept-decision';

describe('acceptOnly', () => {
  it('accepts what the rules allow and names why it rejects the rest', () => {
    const accept = acceptOnly({
      kinds: ['command', 'compensation'],
      participant: 'payment-service',
      messageTypes: ['ReserveCredit'],
    });
    expect(accept(command('m1', 's1'))).toEqual({ ok: true });
    expect(accept(reply('r1', 's1'))).toMatchObject({ ok: false, code: RejectReason.WrongKind });
    expect(accept({ ...command('m2', 's1'), participant: 'stock' })).toMatchObject({
      ok: false,
      code: 'WRONG_PARTICIPANT',
    });
    expect(accept(command('m3', 's1', 'Teleport'))).toEqual({
      ok: false,
      code: 'UNKNOWN_MESSAGE_TYPE',
      message: "message type 'Teleport' has no handler here",
    });
  });

  it('lets everything through without rules', () => {
    expect(acceptOnly({})(reply('r1', 's1'))).toEqual({ ok: true });
    expect(acceptOnly({ kinds: ['reply'] })(reply('r1', 's1'))).toEqual({ ok: true });
    expect(acceptAll(command('m1', 's1'))).toEqual({ ok: true });
  });
});
