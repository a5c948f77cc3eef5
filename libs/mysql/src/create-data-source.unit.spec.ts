import { InvalidArgumentError } from '@sagaflow/core';
import { DataSource, QueryFailedError } from 'typeorm';

import { createDataSource, resolveDataSourceOptions } from './create-data-source';
import { isDeadlockError, isDuplicateKeyError } from './is-duplicate-key-error';

describe('createDataSource', () => {
  it('applies the defaults of the local infrastructure', () => {
    expect(resolveDataSourceOptions({ database: 'sagaflow' })).toEqual({
      type: 'mariadb',
      host: '127.0.0.1',
      port: 3306,
      username: 'root',
      password: '',
      database: 'sagaflow',
      entities: [],
      migrations: [],
      migrationsTableName: 'migrations',
      poolSize: 10,
      connectTimeoutMs: 10_000,
      logging: false,
      multipleStatements: false,
    });
  });

  it('never synchronizes and always speaks utf8mb4 in UTC', () => {
    const dataSource = createDataSource({ type: 'mysql', database: 'sagaflow' });
    expect(dataSource).toBeInstanceOf(DataSource);
    expect(dataSource.isInitialized).toBe(false);
    expect(dataSource.options).toEqual(
      expect.objectContaining({
        type: 'mysql',
        synchronize: false,
        migrationsRun: false,
        charset: 'utf8mb4',
        timezone: 'Z',
        multipleStatements: false,
      }),
    );
  });

  it('names every bad option and its value, masking the password', () => {
    const bad = (): unknown =>
      createDataSource({
        type: 'postgres' as 'mysql',
        port: 0,
        database: 'my-db',
        password: 1 as unknown as string,
        poolSize: 0,
        multipleStatements: 'yes' as unknown as boolean,
      });
    expect(bad).toThrow(InvalidArgumentError);
    expect(bad).toThrow(
      'createDataSource: invalid options: type="postgres" (expected one of mariadb, mysql); ' +
        'port=0 (expected an integer from 1 to 65535); password=[REDACTED] (expected a string); ' +
        'database="my-db" (expected a database name ([A-Za-z0-9_], at most 64)); ' +
        'poolSize=0 (expected an integer > 0); multipleStatements="yes" (expected a boolean)',
    );
  });
});

describe('server error detection', () => {
  const failed = (code: string, errno: number): QueryFailedError =>
    new QueryFailedError('INSERT …', [], Object.assign(new Error(code), { code, errno }));

  it('recognises a duplicate key by code or errno, wrapped or bare', () => {
    expect(isDuplicateKeyError(failed('ER_DUP_ENTRY', 1062))).toBe(true);
    expect(isDuplicateKeyError({ errno: 1062 })).toBe(true);
    expect(isDuplicateKeyError({ code: 'ER_DUP_ENTRY' })).toBe(true);
    expect(isDuplicateKeyError(failed('ER_LOCK_DEADLOCK', 1213))).toBe(false);
  });

  it('recognises a deadlock', () => {
    expect(isDeadlockError(failed('ER_LOCK_DEADLOCK', 1213))).toBe(true);
    expect(isDeadlockError(failed('ER_LOCK_WAIT_TIMEOUT', 1205))).toBe(false);
  });

  it.each([undefined, null, 'ER_DUP_ENTRY', 1062, new Error('ER_DUP_ENTRY')])(
    'is false for %p',
    (value) => {
      expect(isDuplicateKeyError(value)).toBe(false);
      expect(isDeadlockError(value)).toBe(false);
    },
  );
});
