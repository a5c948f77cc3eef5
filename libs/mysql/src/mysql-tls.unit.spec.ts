import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { InvalidArgumentError } from '@sagaflow/core';

import { createDataSource } from './create-data-source';
import { mysqlTls } from './mysql-tls';

describe('mysqlTls', () => {
  it('is off by default, and verifies the server with the system CAs or a CA file', () => {
    expect(mysqlTls({ enabled: false, caFile: '/ignored.pem' })).toBeUndefined();
    expect(mysqlTls({ enabled: true, caFile: '' })).toEqual({ rejectUnauthorized: true });
    const caFile = join(mkdtempSync(join(tmpdir(), 'mysql-ca-')), 'ca.pem');
    writeFileSync(caFile, 'PEM');
    expect(mysqlTls({ enabled: true, caFile })).toEqual({ ca: 'PEM', rejectUnauthorized: true });
  });

  it('names an unreadable CA file', () => {
    expect(() => mysqlTls({ enabled: true, caFile: '/nonexistent/ca.pem' })).toThrow(
      InvalidArgumentError,
    );
    expect(() => mysqlTls({ enabled: true, caFile: '/nonexistent/ca.pem' })).toThrow(
      'SAGAFLOW_MYSQL_SSL_CA_FILE="/nonexistent/ca.pem": expected a readable PEM file',
    );
  });

  it('reaches the driver through createDataSource', () => {
    const ssl = { ca: 'PEM', rejectUnauthorized: true } as const;
    expect(createDataSource({ database: 'sagaflow', ssl }).options).toEqual(
      expect.objectContaining({ ssl }),
    );
    expect(createDataSource({ database: 'sagaflow' }).options).not.toHaveProperty('ssl');
  });
});
