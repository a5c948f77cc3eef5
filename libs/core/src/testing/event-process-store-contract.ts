import {
  type EventProcessStore,
  type EventProcessMessage,
  type EventProcessRecord,
} from '../ports/event-process-store';
import {
  type ContractFixture,
  type ContractIds,
  type ContractSuiteOptions,
  contractTest,
} from './contract-support';

/** What {@link eventProcessStoreContract} runs against, created afresh for every test. */
export interface EventProcessStoreContractFixture extends ContractFixture {
  /** The implementation under test. */
  readonly eventProcess: EventProcessStore;
  /**
   * The time the EventProcess table stamps records with (the database's clock, or a manual one). The
   * suite places lease and staleness cut-offs an hour around it, so clock skew between
   * the test process and a database does not matter.
   */
  now(): Date;
}

/** Creates the fixture of one test; `teardown` on it is called after the test. */
export type EventProcessStoreContractFactory = () => Promise<EventProcessStoreContractFixture>;

const HOUR_MS = 3_600_000;

/**
 * Declares the jest tests of the {@link EventProcessStore} contract against the EventProcess table
 * the factory returns: duplicates by `(consumer, messageId)` (in one batch too), the
 * RECEIVED → PROCESSING → DONE / FAILED life-cycle with leases, and stale records.
 *
 * @example
 * ```ts
 * eventProcessStoreContract('MySqlEventProcessStore', async () => {
 *   const dataSource = await openTestDataSource();
 *   return {
 *     eventProcess: new MySqlEventProcessStore(dataSource),
 *     now: () => new Date(),
 *     teardown: () => dataSource.destroy(),
 *   };
 * }, { runId: `ib-${randomSuffix}` });
 * ```
 */
export function eventProcessStoreContract(
  name: string,
  factory: EventProcessStoreContractFactory,
  options: ContractSuiteOptions = {},
): void {
  const test = contractTest('ib', factory, options);

  describe(`EventProcessStore contract: ${name}`, () => {
    test('receive records new messages as RECEIVED with no attempt and no error', async (f, id) => {
      const m = message(id, 'm1');
      await expect(f.eventProcess.receive([m])).resolves.toEqual({ accepted: [m], duplicates: [] });
      const record = await f.eventProcess.get(m.consumer, m.messageId);
      expect(record).toMatchObject({ ...m, status: 'RECEIVED', attempts: 0, lastError: null });
      expect(Number.isNaN(Date.parse(record?.createdAt ?? 'missing'))).toBe(false);
      expect(Number.isNaN(Date.parse(record?.updatedAt ?? 'missing'))).toBe(false);
    });

    test('get of an unknown message is null', async (f, id) => {
      await expect(f.eventProcess.get(id('consumer'), id('nothing'))).resolves.toBeNull();
    });

    test('receive reports already recorded messages as duplicates and leaves them unchanged', async (f, id) => {
      const m = message(id, 'm1');
      await f.eventProcess.receive([m]);
      await f.eventProcess.claim(m.consumer, m.messageId, anHourAgo(f));
      const before = await f.eventProcess.get(m.consumer, m.messageId);
      const again = { ...m, payload: '{"changed":true}' };

      const result = await f.eventProcess.receive([again, message(id, 'm2')]);

      expect(result.duplicates).toEqual([again]);
      expect(result.accepted).toEqual([message(id, 'm2')]);
      await expect(f.eventProcess.get(m.consumer, m.messageId)).resolves.toEqual(before);
    });

    test('duplicates within one batch: the first copy is accepted, the others are duplicates', async (f, id) => {
      const [a, b] = [message(id, 'a'), message(id, 'b')];
      const result = await f.eventProcess.receive([a, b, a, { ...b, payload: '{"copy":2}' }, a]);
      expect(result.accepted).toEqual([a, b]);
      expect(result.duplicates).toEqual([a, { ...b, payload: '{"copy":2}' }, a]);
      await expect(f.eventProcess.get(b.consumer, b.messageId)).resolves.toMatchObject({
        payload: b.payload,
      });
    });

    test('the key is (consumer, messageId): one message id under two consumers is two records', async (f, id) => {
      const first = message(id, 'm1');
      const second = { ...first, consumer: id('other-consumer') };
      const result = await f.eventProcess.receive([first, second]);
      expect(result.accepted).toEqual([first, second]);
      await expect(f.eventProcess.get(second.consumer, second.messageId)).resolves.toMatchObject({
        status: 'RECEIVED',
      });
    });

    test('concurrent receives of one message accept it once', async (f, id) => {
      const m = message(id, 'm1');
      const results = await Promise.all([f.eventProcess.receive([m]), f.eventProcess.receive([m])]);
      expect(results.flatMap((r) => r.accepted)).toEqual([m]);
      expect(results.flatMap((r) => r.duplicates)).toEqual([m]);
    });

    test('claim moves RECEIVED to PROCESSING and adds an attempt', async (f, id) => {
      const m = message(id, 'm1');
      await f.eventProcess.receive([m]);
      const claimed = await f.eventProcess.claim(m.consumer, m.messageId, anHourAgo(f));
      expect(claimed).toMatchObject({ ...m, status: 'PROCESSING', attempts: 1 });
      await expect(f.eventProcess.get(m.consumer, m.messageId)).resolves.toMatchObject({
        status: 'PROCESSING',
        attempts: 1,
      });
    });

    test('claim of a PROCESSING record returns null while its lease runs, and claims it once expired', async (f, id) => {
      const m = message(id, 'm1');
      await f.eventProcess.receive([m]);
      await f.eventProcess.claim(m.consumer, m.messageId, anHourAgo(f));

      await expect(f.eventProcess.claim(m.consumer, m.messageId, anHourAgo(f))).resolves.toBeNull();

      const leaseExpired = new Date(f.now().getTime() + HOUR_MS);
      await expect(
        f.eventProcess.claim(m.consumer, m.messageId, leaseExpired),
      ).resolves.toMatchObject({
        status: 'PROCESSING',
        attempts: 2,
      });
    });

    test('concurrent claims of one record: exactly one gets it', async (f, id) => {
      const m = message(id, 'm1');
      await f.eventProcess.receive([m]);
      const results = await Promise.all([
        f.eventProcess.claim(m.consumer, m.messageId, anHourAgo(f)),
        f.eventProcess.claim(m.consumer, m.messageId, anHourAgo(f)),
      ]);
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      await expect(f.eventProcess.get(m.consumer, m.messageId)).resolves.toMatchObject({
        attempts: 1,
      });
    });

    test('claim of a FAILED record retries it', async (f, id) => {
      const m = message(id, 'm1');
      await f.eventProcess.receive([m]);
      await f.eventProcess.claim(m.consumer, m.messageId, anHourAgo(f));
      await f.eventProcess.fail(m.consumer, m.messageId, 'boom');
      await expect(
        f.eventProcess.claim(m.consumer, m.messageId, anHourAgo(f)),
      ).resolves.toMatchObject({
        status: 'PROCESSING',
        attempts: 2,
      });
    });

    test('claim of a DONE or missing record returns null', async (f, id) => {
      const m = message(id, 'm1');
      await f.eventProcess.receive([m]);
      await f.eventProcess.claim(m.consumer, m.messageId, anHourAgo(f));
      await f.eventProcess.complete(m.consumer, m.messageId);
      const later = new Date(f.now().getTime() + HOUR_MS);
      await expect(f.eventProcess.claim(m.consumer, m.messageId, later)).resolves.toBeNull();
      await expect(f.eventProcess.claim(m.consumer, id('missing'), later)).resolves.toBeNull();
    });

    test('complete marks DONE and is idempotent', async (f, id) => {
      const m = message(id, 'm1');
      await f.eventProcess.receive([m]);
      await f.eventProcess.claim(m.consumer, m.messageId, anHourAgo(f));
      await f.eventProcess.complete(m.consumer, m.messageId);
      await f.eventProcess.complete(m.consumer, m.messageId);
      await expect(f.eventProcess.get(m.consumer, m.messageId)).resolves.toMatchObject({
        status: 'DONE',
        attempts: 1,
      });
    });

    test('fail marks FAILED with the error and is idempotent', async (f, id) => {
      const m = message(id, 'm1');
      await f.eventProcess.receive([m]);
      await f.eventProcess.claim(m.consumer, m.messageId, anHourAgo(f));
      await f.eventProcess.fail(m.consumer, m.messageId, 'handler crashed');
      await f.eventProcess.fail(m.consumer, m.messageId, 'handler crashed');
      await expect(f.eventProcess.get(m.consumer, m.messageId)).resolves.toMatchObject({
        status: 'FAILED',
        attempts: 1,
        lastError: 'handler crashed',
      });
    });

    test('complete of a RECEIVED record counts its unclaimed (in-process) run as an attempt', async (f, id) => {
      const m = message(id, 'm1');
      await f.eventProcess.receive([m]);
      await f.eventProcess.complete(m.consumer, m.messageId);
      await f.eventProcess.complete(m.consumer, m.messageId);
      await expect(f.eventProcess.get(m.consumer, m.messageId)).resolves.toMatchObject({
        status: 'DONE',
        attempts: 1,
      });
    });

    test('fail of a RECEIVED record counts no attempt: nothing claimed it', async (f, id) => {
      const m = message(id, 'm1');
      await f.eventProcess.receive([m]);
      await f.eventProcess.fail(m.consumer, m.messageId, 'could not be claimed');
      await expect(f.eventProcess.get(m.consumer, m.messageId)).resolves.toMatchObject({
        status: 'FAILED',
        attempts: 0,
      });
    });

    test('findStale lists RECEIVED and PROCESSING records not updated since the cut-off', async (f, id) => {
      const received = message(id, 'received');
      const processing = message(id, 'processing');
      const done = message(id, 'done');
      const failed = message(id, 'failed');
      await f.eventProcess.receive([received, processing, done, failed]);
      for (const m of [processing, done, failed]) {
        await f.eventProcess.claim(m.consumer, m.messageId, anHourAgo(f));
      }
      await f.eventProcess.complete(done.consumer, done.messageId);
      await f.eventProcess.fail(failed.consumer, failed.messageId, 'boom');
      const mine = (records: readonly EventProcessRecord[]) =>
        records
          .filter((r) => r.consumer === received.consumer)
          .map((r) => `${r.messageId}:${r.status}`)
          .sort();

      const later = new Date(f.now().getTime() + HOUR_MS);
      expect(mine(await f.eventProcess.findStale(later, 10_000))).toEqual(
        [`${received.messageId}:RECEIVED`, `${processing.messageId}:PROCESSING`].sort(),
      );
      expect(mine(await f.eventProcess.findStale(anHourAgo(f), 10_000))).toEqual([]);
      expect(await f.eventProcess.findStale(later, 1)).toHaveLength(1);
    });
  });
}

/**
 * A lease cut-off no record of the test is older than: claims with it take RECEIVED and
 * FAILED records but never a PROCESSING one, whatever the database's time precision.
 */
function anHourAgo(f: EventProcessStoreContractFixture): Date {
  return new Date(f.now().getTime() - HOUR_MS);
}

/** A message of the test, all of them to one consumer. */
function message(id: ContractIds, label: string): EventProcessMessage {
  return {
    consumer: id('consumer'),
    messageId: id(label),
    sagaId: id('saga'),
    messageType: 'ReserveCredit',
    payload: JSON.stringify({ label }),
  };
}
