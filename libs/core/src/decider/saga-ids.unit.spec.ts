import { commandMessageId, timerId } from './saga-ids';

describe('saga ids', () => {
  it('derives message ids from saga, step, direction and attempt', () => {
    expect(commandMessageId('s-1', 'reserve-credit', 'forward', 1)).toBe('s-1.reserve-credit.f.1');
    expect(commandMessageId('s-1', 'reserve-credit', 'compensation', 3)).toBe(
      's-1.reserve-credit.c.3',
    );
  });

  it('derives timer ids from the same parts plus the purpose', () => {
    expect(timerId('s-1', 'approve-order', 'forward', 2, 'timeout')).toBe(
      's-1.approve-order.f.2.timeout',
    );
    expect(timerId('s-1', 'approve-order', 'compensation', 4, 'retry')).toBe(
      's-1.approve-order.c.4.retry',
    );
  });
});
