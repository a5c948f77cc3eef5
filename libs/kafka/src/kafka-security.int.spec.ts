import { createKafka } from './create-kafka';
import { kafkaSecurity } from './kafka-security';

/**
 * The local broker's listener that needs SASL PLAIN, and its one user
 * (infra/kafka/server.properties; SAGAFLOW_KAFKA_SASL_PORT moves it).
 */
const SASL_BROKER = `127.0.0.1:${process.env.SAGAFLOW_KAFKA_SASL_PORT ?? '9094'}`;
const USER = 'sagaflow-test';
const PASSWORD = 'sagaflow-test-secret';

/** An admin client of the SASL listener with these settings; connects, describes, disconnects. */
async function describeWith(sasl: {
  mechanism: 'none' | 'plain';
  username: string;
  password: string;
}): Promise<unknown> {
  const kafka = createKafka({
    brokers: [SASL_BROKER],
    clientId: 'sagaflow-sasl-test',
    retry: { retries: 0 },
    ...kafkaSecurity({ ssl: { enabled: false, caFile: '' }, sasl }),
    logCreator: () => () => undefined,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await admin.describeCluster();
  } finally {
    await admin.disconnect();
  }
}

describe('kafkaSecurity against a broker that needs SASL PLAIN', () => {
  it('connects with the user and password the environment gives', async () => {
    await expect(
      describeWith({ mechanism: 'plain', username: USER, password: PASSWORD }),
    ).resolves.toMatchObject({
      brokers: [expect.objectContaining({ port: Number(SASL_BROKER.split(':')[1]) })],
    });
  });

  it('is refused with a wrong password, and without SASL', async () => {
    await expect(
      describeWith({ mechanism: 'plain', username: USER, password: 'wrong' }),
    ).rejects.toMatchObject({ name: 'KafkaJSSASLAuthenticationError' });
    await expect(describeWith({ mechanism: 'none', username: '', password: '' })).rejects.toThrow();
  });
});
