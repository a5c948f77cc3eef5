import { ConcurrencyError, SagaNotFoundError } from '@sagaflow/core';

import { isRetryableError } from './job-runs';

describe('isRetryableError', () => {
  it("follows a SagaflowError's retryable flag", () => {
    expect(isRetryableError(new ConcurrencyError('s-1', 3))).toBe(true);
    expect(isRetryableError(new SagaNotFoundError('s-1'))).toBe(false);
  });

  it('retries errors that carry no flag', () => {
    expect(isRetryableError(new Error('ECONNRESET'))).toBe(true);
    expect(isRetryableError('a string')).toBe(true);
    expect(isRetryableError({ retryable: 'yes' })).toBe(true);
  });
});
