import { type EventProcessRecord } from '@sagaflow/core';
import { type MySqlEventProcessRecord } from '@sagaflow/mysql';

import { createFailedEventProcess } from './failed-event-process';

function record(messageId: string, status: EventProcessRecord['status']): MySqlEventProcessRecord {
  return {
    step: 'reserve',
    direction: null,
    consumer: 'orchestrator',
    messageId,
    sagaId: 'saga-1',
    messageType: 'reply',
    payload: '{}',
    status,
    attempts: 5,
    lastError: status === 'FAILED' ? 'SAGA_DEFINITION_UNAVAILABLE: …' : null,
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:00:01.000Z',
  };
}

/** The table as MySqlEventProcessStore sees it: retryFailed moves a FAILED record to RECEIVED once. */
function fakeEventProcess(records: MySqlEventProcessRecord[]) {
  return {
    listFailed: () =>
      Promise.resolve({ items: records.filter((r) => r.status === 'FAILED'), nextCursor: null }),
    countFailed: () => Promise.resolve(records.filter((r) => r.status === 'FAILED').length),
    retryFailed: (consumer: string, messageId: string) => {
      const index = records.findIndex(
        (r) => r.consumer === consumer && r.messageId === messageId && r.status === 'FAILED',
      );
      const found = records[index];
      if (found === undefined) return Promise.resolve(null);
      const moved = { ...found, status: 'RECEIVED' as const };
      records[index] = moved;
      return Promise.resolve(moved);
    },
  };
}

describe('createFailedEventProcess', () => {
  it('retries a FAILED record: RECEIVED in the table, then queued for the pool', async () => {
    const records = [record('r-1', 'FAILED'), record('r-2', 'DONE')];
    const queued: EventProcessRecord[] = [];
    const port = createFailedEventProcess({
      eventProcess: fakeEventProcess(records),
      requeue: (batch) => {
        queued.push(...batch);
        return Promise.resolve();
      },
      consumer: 'orchestrator',
    });

    expect(await port.countFailed?.()).toBe(1);
    const retried = await port.retry('orchestrator', 'r-1');

    expect(retried).toMatchObject({ messageId: 'r-1', status: 'RECEIVED' });
    expect(queued).toEqual([retried]);
    expect(await port.countFailed?.()).toBe(0);
    expect(await port.retry('orchestrator', 'r-1')).toBeNull();
    expect(await port.retry('orchestrator', 'r-2')).toBeNull();
    expect(queued).toHaveLength(1);
  });

  it("leaves another consumer's records alone: the pool has no handler for them", async () => {
    const records = [{ ...record('c-1', 'FAILED'), consumer: 'ledger' }];
    const queued: EventProcessRecord[] = [];
    const port = createFailedEventProcess({
      eventProcess: fakeEventProcess(records),
      requeue: (batch) => {
        queued.push(...batch);
        return Promise.resolve();
      },
      consumer: 'orchestrator',
    });

    expect(await port.retry('ledger', 'c-1')).toBeNull();
    expect(records[0]?.status).toBe('FAILED');
    expect(queued).toEqual([]);
  });
});
