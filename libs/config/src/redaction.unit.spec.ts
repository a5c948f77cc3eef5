import { isSecretName, redactUrlCredentials } from './redaction';

describe('isSecretName', () => {
  it.each([
    'password',
    'SAGAFLOW_MYSQL_PASSWORD',
    'apiKey',
    'api_key',
    'Authorization',
    'client_secret',
    'refreshToken',
    'credentials',
    'pwd',
    'Set-Cookie',
  ])('%s is a secret', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each(['sagaId', 'messageId', 'host', 'SAGAFLOW_MYSQL_USER', 'step'])(
    '%s is not a secret',
    (name) => {
      expect(isSecretName(name)).toBe(false);
    },
  );
});

describe('redactUrlCredentials', () => {
  it.each([
    ['mysql://root:pw@db:3306/app', 'mysql://root:[REDACTED]@db:3306/app'],
    ['redis://:s3cret@cache:6379', 'redis://:[REDACTED]@cache:6379'],
    [
      'connect to mysql://u:p@a and amqp://x:y@b',
      'connect to mysql://u:[REDACTED]@a and amqp://x:[REDACTED]@b',
    ],
    ['https://h/path?user=a&password=b&x=1', 'https://h/path?user=a&password=[REDACTED]&x=1'],
    ['https://h/?token=abc#frag', 'https://h/?token=[REDACTED]#frag'],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['no url here', 'no url here'],
  ])('%s → %s', (input, output) => {
    expect(redactUrlCredentials(input)).toBe(output);
  });
});
