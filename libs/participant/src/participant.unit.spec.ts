import { InvalidArgumentError } from '@sagaflow/core';
import { createTopicNames } from '@sagaflow/messaging';
import { createDataSource } from '@sagaflow/mysql';
import { type Kafka } from 'kafkajs';
import { z } from 'zod';

import { commandHandler } from './command-handler';
import { createParticipant } from './participant';

// Nothing here connects: the data source is never initialized and the Kafka client is a
// stand-in that must not be reached.
function participant() {
  return createParticipant({
    name: 'payment-service',
    dataSource: createDataSource({ database: 'never_opened' }),
    kafka: { consumer: () => undefined, admin: () => undefined } as unknown as Kafka,
    topics: createTopicNames({ prefix: 'unit.' }),
    handlers: { ReserveCredit: commandHandler(z.object({}), () => ({})) },
  });
}

describe('Participant before start', () => {
  it('refuses to start on a data source that is not initialized', async () => {
    const p = participant();

    await expect(p.start()).rejects.toThrow(InvalidArgumentError);
    await expect(p.start()).rejects.toThrow('must be initialized (and migrated) before start()');
    expect(p.running).toBe(false);
  });

  it('is not ready, cannot recover, and stops as a no-op', async () => {
    const p = participant();

    await expect(p.checkHealth()).resolves.toMatchObject({
      ready: false,
      checks: {
        kafka: { ok: false, error: 'not started' },
        mysql: { ok: false },
        redis: { ok: false, error: 'not started' },
      },
    });
    await expect(p.recoverNow()).rejects.toThrow('is not running');
    await expect(p.stop()).resolves.toBeUndefined();
    expect(p.name).toBe('payment-service');
    expect(p.stats.handled).toBe(0);
  });
});
