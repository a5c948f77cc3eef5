import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { InvalidArgumentError } from '@sagaflow/core';

import { createRedis } from './create-redis';
import { redisSecurity, type RedisSecuritySettings } from './redis-security';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const plain: RedisSecuritySettings = {
  url: 'redis://redis:6379',
  username: '',
  password: '',
  tls: { enabled: false, caFile: '' },
};

function caFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'redis-ca-')), 'ca.pem');
  writeFileSync(file, PEM);
  return file;
}

describe('redisSecurity', () => {
  it('gives nothing without credentials nor TLS', () => {
    expect(redisSecurity(plain)).toEqual({});
  });

  it('passes a user and password kept out of the URL', () => {
    expect(redisSecurity({ ...plain, username: 'svc-orders', password: 's3cret' })).toEqual({
      username: 'svc-orders',
      password: 's3cret',
    });
    expect(redisSecurity({ ...plain, password: 's3cret' })).toEqual({ password: 's3cret' });
  });

  it('turns TLS on by the flag or a rediss:// URL, with the system CAs or a CA file', () => {
    expect(redisSecurity({ ...plain, tls: { enabled: true, caFile: '' } })).toEqual({ tls: {} });
    expect(redisSecurity({ ...plain, url: 'rediss://redis:6380' })).toEqual({ tls: {} });
    expect(
      redisSecurity({
        ...plain,
        url: 'rediss://redis:6380',
        tls: { enabled: false, caFile: caFile() },
      }),
    ).toEqual({ tls: { ca: [PEM] } });
  });

  it('names an unreadable CA file, and a CA file without TLS', () => {
    const unreadable = () =>
      redisSecurity({ ...plain, tls: { enabled: true, caFile: '/nonexistent/ca.pem' } });
    expect(unreadable).toThrow(InvalidArgumentError);
    expect(unreadable).toThrow(
      'SAGAFLOW_REDIS_TLS_CA_FILE="/nonexistent/ca.pem": expected a readable PEM file',
    );
    expect(() => redisSecurity({ ...plain, tls: { enabled: false, caFile: caFile() } })).toThrow(
      'expected unset unless SAGAFLOW_REDIS_TLS is true or SAGAFLOW_REDIS_URL is rediss://',
    );
  });

  it('refuses a user without a password, and credentials both in the URL and the variables, never showing the password', () => {
    expect(() => redisSecurity({ ...plain, username: 'svc-orders' })).toThrow(
      'SAGAFLOW_REDIS_PASSWORD=(unset): expected a value when SAGAFLOW_REDIS_USERNAME is set',
    );
    const twice = () =>
      redisSecurity({
        ...plain,
        url: 'redis://:url-secret@redis:6379',
        username: 'svc-orders',
        password: 'var-secret',
      });
    expect(twice).toThrow(
      [
        'invalid configuration (2 variables):',
        '  SAGAFLOW_REDIS_USERNAME="svc-orders": expected unset when SAGAFLOW_REDIS_URL carries credentials (one place only)',
        '  SAGAFLOW_REDIS_PASSWORD=[REDACTED]: expected unset when SAGAFLOW_REDIS_URL carries credentials (one place only)',
      ].join('\n'),
    );
    expect(twice).not.toThrow(/url-secret|var-secret/);
    // Credentials in the URL alone are the URL's business.
    expect(redisSecurity({ ...plain, url: 'redis://svc:pw@redis:6379' })).toEqual({});
  });
});

describe('createRedis credential options', () => {
  it('refuses a user without a password and credentials repeated in the URL, masking the password', () => {
    expect(() => createRedis({ username: 'svc' })).toThrow(InvalidArgumentError);
    expect(() => createRedis({ username: 'svc' })).toThrow(
      'password=[REDACTED] (expected a non-empty string (required with a username)',
    );
    const repeated = () =>
      createRedis({ url: 'redis://svc:url-secret@127.0.0.1:6379', password: 'option-secret' });
    expect(repeated).toThrow('password=[REDACTED]');
    expect(repeated).not.toThrow(/url-secret|option-secret/);
    expect(() => createRedis({ username: 'a b', password: 'pw' })).toThrow('username="a b"');
  });
});
