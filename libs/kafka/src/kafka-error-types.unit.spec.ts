import { isFencingError } from './kafka-error-types';

describe('isFencingError', () => {
  it('finds a fencing protocol error anywhere in the cause chain', () => {
    const protocol = Object.assign(new Error('old epoch'), { type: 'INVALID_PRODUCER_EPOCH' });
    expect(isFencingError(protocol)).toBe(true);
    expect(isFencingError(new Error('wrapped', { cause: protocol }))).toBe(true);
    expect(isFencingError({ errors: [new Error('x'), { type: 'PRODUCER_FENCED' }] })).toBe(true);
    expect(isFencingError(Object.assign(new Error('big'), { type: 'MESSAGE_TOO_LARGE' }))).toBe(
      false,
    );
    expect(isFencingError('INVALID_PRODUCER_EPOCH')).toBe(false);
  });
});
