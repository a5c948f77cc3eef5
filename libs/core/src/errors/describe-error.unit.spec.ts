import { describeError } from './describe-error';
import { ConcurrencyError } from './errors';

describe('describeError', () => {
  it('gives name and message of a plain error', () => {
    expect(describeError(new TypeError('bad'))).toEqual({ name: 'TypeError', message: 'bad' });
  });

  it('adds the code of a coded error', () => {
    const driver = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(describeError(driver)).toEqual({
      name: 'Error',
      code: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED',
    });
    expect(describeError(new ConcurrencyError('s-1', 3))).toEqual({
      name: 'ConcurrencyError',
      code: 'CONCURRENCY_CONFLICT',
      message: "saga 's-1' was changed by another writer (expected version 3)",
    });
  });

  it('ignores a code that is not a string, and returns a thrown non-error as it is', () => {
    expect(describeError(Object.assign(new Error('x'), { code: 42 }))).toEqual({
      name: 'Error',
      message: 'x',
    });
    expect(describeError('just text')).toBe('just text');
  });
});
