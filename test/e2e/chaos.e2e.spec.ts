// The chaos harness, reduced: 300 place-order sagas through two orchestrators and the three
// services while, for a minute, processes are SIGKILLed and restarted every 3–5 s, a
// participant is frozen for 30–60 s, the run's Redis keys are deleted and the Kafka broker
// is restarted. Afterwards every invariant is checked from the databases (the same run as
// `npm run chaos`, which defaults to 2,000 sagas).
import { Writable } from 'node:stream';

import { CHAOS_DEFAULTS, runChaos } from '@sagaflow/stack';

/** Faults for a minute, then up to four minutes to settle. */
const FAULT_SECONDS = 60;
const SETTLE_SECONDS = 240;

describe('the chaos harness, reduced', () => {
  it(
    'ends every saga with every invariant ok through kills, a frozen participant, Redis loss and a broker restart',
    async () => {
      let output = '';
      const stdout = new Writable({
        write(chunk: Buffer, _encoding, done) {
          output += chunk.toString();
          done();
        },
      });
      const report = await runChaos(
        {
          ...CHAOS_DEFAULTS,
          sagas: 300,
          faultSeconds: FAULT_SECONDS,
          settleSeconds: SETTLE_SECONDS,
          help: false,
        },
        { stdout, env: process.env },
      );
      const failed = report.checks.filter((check) => !check.ok);
      if (!report.ok) process.stderr.write(output);
      expect(failed).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.byStatus.COMPLETED + report.byStatus.COMPENSATED).toBe(300);
      expect(report.settleMs).not.toBeNull();

      const done = (kind: string) =>
        report.faults.filter((f) => f.kind === kind && f.outcome === 'done').length;
      expect(done('kill')).toBeGreaterThanOrEqual(8);
      expect(done('pause')).toBe(1);
      expect(done('flush-redis')).toBe(1);
      expect(done('restart-kafka')).toBe(1);
      // The kills hit several processes, not one over and over.
      const killed = new Set(
        report.faults.filter((f) => f.kind === 'kill' && f.outcome === 'done').map((f) => f.target),
      );
      expect(killed.size).toBeGreaterThanOrEqual(3);
      expect(output).toContain('Every saga settled and every invariant held.');
    },
    (FAULT_SECONDS + SETTLE_SECONDS + 240) * 1000,
  );
});
