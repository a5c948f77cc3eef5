import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { InvalidArgumentError } from '@sagaflow/core';

import { kafkaSecurity, type KafkaSecuritySettings } from './kafka-security';

const off: KafkaSecuritySettings = {
  ssl: { enabled: false, caFile: '' },
  sasl: { mechanism: 'none', username: '', password: '' },
};

describe('kafkaSecurity', () => {
  it('gives nothing when TLS and SASL are off', () => {
    expect(kafkaSecurity(off)).toEqual({});
  });

  it('turns TLS on with the system CAs, or with those of a CA file', () => {
    expect(kafkaSecurity({ ...off, ssl: { enabled: true, caFile: '' } })).toEqual({ ssl: true });
    const caFile = join(mkdtempSync(join(tmpdir(), 'kafka-ca-')), 'ca.pem');
    writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(kafkaSecurity({ ...off, ssl: { enabled: true, caFile } })).toEqual({
      ssl: { ca: ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'] },
    });
  });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'] as const)(
    'passes SASL %s with its credentials',
    (mechanism) => {
      expect(
        kafkaSecurity({ ...off, sasl: { mechanism, username: 'svc', password: 'pw' } }),
      ).toEqual({ sasl: { mechanism, username: 'svc', password: 'pw' } });
    },
  );

  it('names every missing credential and an unreadable CA file, never the password', () => {
    const bad = () =>
      kafkaSecurity({
        ssl: { enabled: true, caFile: '/nonexistent/ca.pem' },
        sasl: { mechanism: 'plain', username: '', password: '' },
      });
    expect(bad).toThrow(InvalidArgumentError);
    expect(bad).toThrow(
      [
        'invalid configuration (3 variables):',
        '  SAGAFLOW_KAFKA_SSL_CA_FILE="/nonexistent/ca.pem": expected a readable PEM file',
        '  SAGAFLOW_KAFKA_SASL_USERNAME=(unset): expected a value when SAGAFLOW_KAFKA_SASL_MECHANISM is set',
        '  SAGAFLOW_KAFKA_SASL_PASSWORD=(unset): expected a value when SAGAFLOW_KAFKA_SASL_MECHANISM is set',
      ].join('\n'),
    );
    const withPassword = () =>
      kafkaSecurity({ ...off, sasl: { mechanism: 'plain', username: '', password: 'secret-pw' } });
    expect(withPassword).toThrow('SAGAFLOW_KAFKA_SASL_USERNAME=(unset)');
    expect(withPassword).not.toThrow('secret-pw');
  });
});
