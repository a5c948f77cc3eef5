import { loadServiceConfig } from './config';
import { participantSettings } from './participant-settings';

describe('participantSettings', () => {
  it("gives the participant the service's defaults, and the host name as instance id", () => {
    expect(participantSettings(loadServiceConfig('order-service', {}))).toEqual({
      concurrency: 4,
      maxHandlerAttempts: 5,
      leaseMs: 60_000,
      recoveryIntervalMs: 30_000,
      topicPartitions: 3,
    });
  });

  it('passes every configured value on', () => {
    const config = loadServiceConfig('inventory-service', {
      SAGAFLOW_WORKER_CONCURRENCY: '8',
      SAGAFLOW_HANDLER_ATTEMPTS: '2',
      SAGAFLOW_EVENT_PROCESS_LEASE_MS: '5000',
      SAGAFLOW_RECOVERY_INTERVAL_MS: '1000',
      SAGAFLOW_TOPIC_PARTITIONS: '6',
      SAGAFLOW_INSTANCE_ID: 'inventory-1',
    });

    expect(participantSettings(config)).toEqual({
      concurrency: 8,
      maxHandlerAttempts: 2,
      leaseMs: 5000,
      recoveryIntervalMs: 1000,
      topicPartitions: 6,
      instanceId: 'inventory-1',
    });
  });
});
