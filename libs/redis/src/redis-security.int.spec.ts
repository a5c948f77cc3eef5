import { randomBytes } from 'node:crypto';

import { RecordingLogger } from '@sagaflow/core/testing';
import type { Redis } from 'ioredis';

import { closeRedis } from './close-redis';
import { createRedis } from './create-redis';
import { randomSuffix } from './__fixtures__/redis-test-support';
import { redisSecurity } from './redis-security';

const URL = 'redis://127.0.0.1:6379';

describe('an ACL user and password from the environment, against the local Redis', () => {
  const user = `sagaflow-test-${randomSuffix()}`;
  const password = randomBytes(12).toString('hex');
  const opened: Redis[] = [];
  let admin: Redis;

  const open = (client: Redis): Redis => {
    opened.push(client);
    return client;
  };

  beforeAll(async () => {
    admin = createRedis({ url: URL });
    await admin.call('ACL', 'SETUSER', user, 'on', `>${password}`, '~*', '&*', '+@all');
  });

  afterAll(async () => {
    await Promise.allSettled(opened.map((client) => closeRedis(client, 1000)));
    await admin.call('ACL', 'DELUSER', user);
    await admin.quit();
  });

  it('connects as the user, the password kept out of the URL, and runs commands', async () => {
    const security = redisSecurity({
      url: URL,
      username: user,
      password,
      tls: { enabled: false, caFile: '' },
    });
    const redis = open(createRedis({ url: URL, keyPrefix: `${user}:`, ...security }));

    expect(await redis.call('ACL', 'WHOAMI')).toBe(user);
    await redis.set('probe', 'ok', 'EX', 60);
    expect(await redis.get('probe')).toBe('ok');
    expect(await admin.get(`${user}:probe`)).toBe('ok');
    await redis.del('probe');
  });

  it('fails commands with WRONGPASS on a wrong password, and logs no password', async () => {
    const logger = new RecordingLogger();
    const wrong = `not-${password}`;
    const redis = open(
      createRedis({ url: URL, username: user, password: wrong, maxRetriesPerRequest: 0, logger }),
    );

    await expect(redis.ping()).rejects.toThrow(
      'WRONGPASS invalid username-password pair or user is disabled.',
    );

    const errors = logger.lines.filter((line) => line.message === 'redis connection error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]?.fields.error).toEqual({
      name: 'ReplyError',
      message: 'WRONGPASS invalid username-password pair or user is disabled.',
    });
    // The error ioredis emits carries the AUTH arguments: none of it reaches the log.
    const logged = JSON.stringify(logger.lines);
    expect(logged).not.toContain(wrong);
    expect(logged).not.toContain(password);
  });
});
