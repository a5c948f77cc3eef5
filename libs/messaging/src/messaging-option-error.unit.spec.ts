import { SagaflowError } from '@sagaflow/core';
import { MessagingOptionError } from './messaging-option-error';

describe('MessagingOptionError', () => {
  it('names the field and the bad value', () => {
    const error = new MessagingOptionError('prefix', 'a b', 'only characters [A-Za-z0-9._-]');

    expect(error).toBeInstanceOf(SagaflowError);
    expect(error.toJSON()).toEqual({
      name: 'MessagingOptionError',
      code: 'MESSAGING_OPTION_INVALID',
      message: "prefix 'a b' is invalid: only characters [A-Za-z0-9._-]",
      retryable: false,
      context: { field: 'prefix', value: 'a b' },
    });
    expect(error.field).toBe('prefix');
    expect(error.value).toBe('a b');
  });

  it.each<[unknown, string]>([
    [0, 'maxBytes 0 is invalid: bad'],
    [true, 'maxBytes true is invalid: bad'],
    [null, 'maxBytes null is invalid: bad'],
    [undefined, 'maxBytes undefined is invalid: bad'],
    [{ bytes: 1 }, 'maxBytes (object) is invalid: bad'],
  ])('describes %p readably', (value, message) => {
    expect(new MessagingOptionError('maxBytes', value, 'bad').message).toBe(message);
  });
});
