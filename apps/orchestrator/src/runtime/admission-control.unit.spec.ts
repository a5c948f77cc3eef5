import { InvalidArgumentError } from '@sagaflow/core';
import { RecordingLogger } from '@sagaflow/core/testing';

import {
  AdmissionControl,
  type AdmissionControlOptions,
  type Backlog,
  decideAdmission,
} from './admission-control';

const bounds = { maxPendingReplies: 100, maxInFlightSagas: 50 };

describe('decideAdmission', () => {
  it('admits under every bound', () => {
    expect(decideAdmission({ pendingReplies: 99, inFlightSagas: 49 }, bounds, 2)).toEqual({
      admitted: true,
    });
  });

  it('refuses at a bound, naming the backlog, its count and the bound; replies first', () => {
    expect(decideAdmission({ pendingReplies: 100, inFlightSagas: 0 }, bounds, 2)).toEqual({
      admitted: false,
      reason: 'pending-replies',
      count: 100,
      bound: 100,
      retryAfterSeconds: 2,
    });
    expect(decideAdmission({ pendingReplies: 0, inFlightSagas: 51 }, bounds, 5)).toEqual({
      admitted: false,
      reason: 'in-flight-sagas',
      count: 51,
      bound: 50,
      retryAfterSeconds: 5,
    });
    expect(decideAdmission({ pendingReplies: 500, inFlightSagas: 500 }, bounds, 2)).toMatchObject({
      reason: 'pending-replies',
    });
  });

  it('ignores a bound of 0, and admits when the backlog is unknown', () => {
    const off = { maxPendingReplies: 0, maxInFlightSagas: 0 };
    expect(decideAdmission({ pendingReplies: 1e6, inFlightSagas: 1e6 }, off, 2).admitted).toBe(
      true,
    );
    expect(decideAdmission(null, bounds, 2).admitted).toBe(true);
  });
});

describe('AdmissionControl', () => {
  /** A backlog counter whose answers the test sets, and a clock it moves. */
  function setup(options: Partial<AdmissionControlOptions> = {}) {
    let backlog: Backlog = { pendingReplies: 0, inFlightSagas: 0 };
    let failure: Error | null = null;
    let nowMs = 0;
    let counts = 0;
    const refused: string[] = [];
    const logger = new RecordingLogger();
    const admission = new AdmissionControl({
      readBacklog: () => {
        counts += 1;
        return failure === null ? Promise.resolve(backlog) : Promise.reject(failure);
      },
      ...bounds,
      onRefused: (reason) => refused.push(reason),
      logger,
      now: () => nowMs,
      ...options,
    });
    return {
      admission,
      logger,
      refused,
      counts: () => counts,
      setBacklog: (next: Backlog) => {
        backlog = next;
      },
      fail: (error: Error | null) => {
        failure = error;
      },
      advance: (ms: number) => {
        nowMs += ms;
      },
    };
  }

  it('refuses every request but lets none count while it is starting, then admits', async () => {
    const { admission, counts } = setup();

    expect(admission.admitRequest()).toEqual({
      admitted: false,
      reason: 'starting',
      retryAfterSeconds: 1,
      count: null,
      bound: null,
    });
    await expect(admission.admitStart()).resolves.toMatchObject({ reason: 'starting' });
    await expect(admission.backlog()).resolves.toBeNull();
    expect(counts()).toBe(0);

    admission.open();

    expect(admission.admitRequest()).toEqual({ admitted: true });
    await expect(admission.admitStart()).resolves.toEqual({ admitted: true });
  });

  it('refuses starts while a backlog is at its bound, and reports each refusal', async () => {
    const { admission, refused, setBacklog, advance } = setup();
    admission.open();
    setBacklog({ pendingReplies: 100, inFlightSagas: 0 });

    await expect(admission.admitStart()).resolves.toEqual({
      admitted: false,
      reason: 'pending-replies',
      count: 100,
      bound: 100,
      retryAfterSeconds: 2,
    });
    expect(refused).toEqual(['pending-replies']);

    setBacklog({ pendingReplies: 10, inFlightSagas: 0 });
    advance(500);
    await expect(admission.admitStart()).resolves.toEqual({ admitted: true });
    expect(refused).toEqual(['pending-replies']);
  });

  it('counts at most once per refresh interval, one count shared by concurrent callers', async () => {
    const { admission, counts, setBacklog, advance } = setup({ refreshIntervalMs: 500 });
    admission.open();

    await Promise.all(Array.from({ length: 20 }, () => admission.admitStart()));
    expect(counts()).toBe(1);

    setBacklog({ pendingReplies: 0, inFlightSagas: 80 });
    advance(499);
    // Still the cached count: the new backlog is not seen yet.
    await expect(admission.admitStart()).resolves.toEqual({ admitted: true });
    expect(counts()).toBe(1);

    advance(1);
    await expect(admission.admitStart()).resolves.toMatchObject({ reason: 'in-flight-sagas' });
    await expect(admission.backlog()).resolves.toEqual({ pendingReplies: 0, inFlightSagas: 80 });
    expect(counts()).toBe(2);
  });

  it('does not count at all when both bounds are off', async () => {
    const { admission, counts } = setup({ maxPendingReplies: 0, maxInFlightSagas: 0 });
    admission.open();

    await expect(admission.admitStart()).resolves.toEqual({ admitted: true });
    expect(counts()).toBe(0);
  });

  it('admits while counting fails, logging it once, and bounds again once it counts', async () => {
    const { admission, logger, fail, setBacklog, advance } = setup();
    admission.open();
    setBacklog({ pendingReplies: 1000, inFlightSagas: 0 });
    fail(new Error('connect ECONNREFUSED'));

    await expect(admission.admitStart()).resolves.toEqual({ admitted: true });
    advance(500);
    await expect(admission.admitStart()).resolves.toEqual({ admitted: true });
    await expect(admission.backlog()).resolves.toBeNull();
    expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([
      expect.objectContaining({
        message: 'counting the backlog failed: new sagas are admitted until it counts again',
      }),
    ]);

    fail(null);
    advance(500);
    await expect(admission.admitStart()).resolves.toMatchObject({ reason: 'pending-replies' });
  });

  it('refuses invalid options, naming them', () => {
    expect(
      () =>
        new AdmissionControl({
          readBacklog: () => Promise.resolve({ pendingReplies: 0, inFlightSagas: 0 }),
          maxPendingReplies: -1,
          refreshIntervalMs: 5,
          retryAfterSeconds: 0,
        }),
    ).toThrow(InvalidArgumentError);
    expect(
      () =>
        new AdmissionControl({
          readBacklog: () => Promise.resolve({ pendingReplies: 0, inFlightSagas: 0 }),
          maxInFlightSagas: 1.5,
        }),
    ).toThrow(/maxInFlightSagas=1\.5/);
  });
});
