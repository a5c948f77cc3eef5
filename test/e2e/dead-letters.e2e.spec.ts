// Bad input never blocks a partition: a malformed record and a command of a type nobody
// handles, on every partition of the inventory-service's command topic, go to its
// dead_letter table with their reason; sagas whose commands land on those partitions after
// them still complete. The services run as separate processes on Kafka, MariaDB and Redis.
import { PLACE_ORDER } from '@sagaflow/examples';
import { createKafka } from '@sagaflow/kafka';
import { type CommandEnvelope, encodeEnvelope, envelopeHeaders } from '@sagaflow/messaging';
import { logLevel, Partitioners } from 'kafkajs';

import { checkStack } from './support/check-stack';
import { participantStats } from './support/participant-stats';
import { useStack } from './support/use-stack';
import { waitFor } from './support/wait-for';

const fixture = useStack({}, async ({ stack }) => {
  await stack.seed({
    customers: [{ customerId: 'c-dl', creditLimit: 10_000 }],
    stock: [{ sku: 'sku-dl', available: 1_000 }],
  });
});

/** A well-formed command envelope of a type the inventory-service has no handler for. */
function unknownCommand(partition: number): CommandEnvelope {
  const sagaId = `e2e-unknown-saga-${partition}`;
  return {
    schemaVersion: 1,
    kind: 'command',
    participant: 'inventory-service',
    messageId: `${sagaId}.ship-parcel.f.1`,
    messageType: 'ShipParcel',
    sagaId,
    sagaType: PLACE_ORDER,
    sagaVersion: 1,
    step: 'ship-parcel',
    attempt: 1,
    correlationId: sagaId,
    causationId: null,
    occurredAt: new Date().toISOString(),
    source: 'e2e-test',
    headers: {},
    payload: { orderId: `o-unknown-${partition}` },
  };
}

describe('dead letters on a command topic', () => {
  it('records a malformed and an unknown-type command with their reason; later sagas on those partitions complete', async () => {
    const { stack, dbs } = fixture;
    const topic = `${stack.layout.topicPrefix}inventory-service.commands`;
    const kafka = createKafka({
      brokers: stack.infra.kafkaBrokers,
      clientId: `${stack.layout.topicPrefix}e2e`,
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    const producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    let partitionOf: (key: string) => number;
    let partitions: number[];
    try {
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      const partitionMetadata = metadata?.partitions ?? [];
      partitions = partitionMetadata.map((p) => p.partitionId).sort((a, b) => a - b);
      expect(partitions).toEqual([0, 1, 2]);
      const partitioner = Partitioners.DefaultPartitioner();
      partitionOf = (key) =>
        partitioner({ topic, partitionMetadata, message: { key, value: null } });

      // On every partition, before any saga's command: so each later saga's commands queue
      // behind a bad record, whatever partition its id (the record key) hashes to.
      await producer.send({
        topic,
        messages: partitions.flatMap((partition) => [
          {
            partition,
            key: `e2e-malformed-${partition}`,
            value: `{"kind":"command", not json ${partition}`,
          },
          {
            partition,
            key: unknownCommand(partition).sagaId,
            value: encodeEnvelope(unknownCommand(partition)),
            headers: envelopeHeaders(unknownCommand(partition)),
          },
        ]),
      });
    } finally {
      await Promise.all([admin.disconnect(), producer.disconnect()]);
    }

    const rows = await waitFor(
      async () => {
        const found = await dbs['inventory-service'].query<{
          topic: string;
          kafka_partition: number;
          message_key: string | null;
          reason_code: string;
          reason_message: string;
        }>(
          `SELECT topic, kafka_partition, message_key, reason_code, reason_message
             FROM dead_letter ORDER BY kafka_partition, reason_code`,
        );
        return found.length >= 6 ? found : undefined;
      },
      { timeoutMs: 60_000, what: '6 dead letters in the inventory-service database' },
    );
    expect(rows.map((r) => [r.kafka_partition, r.reason_code, r.message_key, r.topic])).toEqual(
      partitions.flatMap((p) => [
        [p, 'MESSAGE_UNDECODABLE', `e2e-malformed-${p}`, topic],
        [p, 'UNKNOWN_MESSAGE_TYPE', `e2e-unknown-saga-${p}`, topic],
      ]),
    );
    for (const row of rows) expect(row.reason_message.length).toBeGreaterThan(0);
    expect(rows.find((r) => r.reason_code === 'UNKNOWN_MESSAGE_TYPE')?.reason_message).toContain(
      'ShipParcel',
    );
    expect((await participantStats(stack, 'inventory-service')).deadLetters).toBe(6);

    // Sagas until every partition has at least one (saga ids are the orchestrator's).
    const byPartition = new Map<number, string[]>();
    for (let n = 0; n < 40 && partitions.some((p) => !byPartition.has(p)); n += 1) {
      const input = {
        orderId: `o-dl-${n}`,
        customerId: 'c-dl',
        sku: 'sku-dl',
        quantity: 1,
        amount: 10,
      };
      const { sagaId } = await stack.api.startSaga({
        sagaType: PLACE_ORDER,
        input,
        businessKey: input.orderId,
      });
      const partition = partitionOf(sagaId);
      byPartition.set(partition, [...(byPartition.get(partition) ?? []), sagaId]);
    }
    expect([...byPartition.keys()].sort((a, b) => a - b)).toEqual(partitions);
    for (const sagaId of [...byPartition.values()].flat()) {
      await expect(
        stack.api.waitForStatus(
          sagaId,
          ['COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED'],
          60_000,
        ),
      ).resolves.toMatchObject({ status: 'COMPLETED' });
    }
    const applied = await dbs['inventory-service'].query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM event_process WHERE message_type = 'ReserveStock' AND status = 'DONE'",
    );
    expect(Number(applied[0]?.n)).toBe([...byPartition.values()].flat().length);
    expect((await checkStack(stack, dbs, new Map([['sku-dl', 1_000]]))).failures).toEqual([]);
  });
});
