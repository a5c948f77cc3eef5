import { type StackInstanceName } from '../stack/stack-layout';
import { faultSchedule } from './fault-schedule';

const killable: StackInstanceName[] = [
  'orchestrator',
  'orchestrator-2',
  'order-service',
  'payment-service',
  'inventory-service',
];
const pausable: StackInstanceName[] = ['order-service', 'payment-service', 'inventory-service'];

describe('faultSchedule', () => {
  it('kills every 3–5 s and plans each one-off fault once, in time order', () => {
    const faults = faultSchedule({ seed: 7, windowMs: 120_000, killable, pausable });
    const kills = faults.filter((f) => f.kind === 'kill');
    const gaps = kills.map((kill, i) => kill.atMs - (kills[i - 1]?.atMs ?? 0));
    expect(kills.length).toBeGreaterThanOrEqual(23);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(3_000);
      expect(gap).toBeLessThanOrEqual(5_000);
    }
    expect(new Set(kills.map((k) => k.target)).size).toBeGreaterThan(1);
    expect(faults.filter((f) => f.kind !== 'kill').map((f) => [f.kind, f.atMs])).toEqual([
      ['pause', 12_000],
      ['flush-redis', 54_000],
      ['restart-kafka', 84_000],
    ]);
    const pause = faults.find((f) => f.kind === 'pause');
    expect(pause?.kind === 'pause' && pausable.includes(pause.target)).toBe(true);
    expect(
      pause?.kind === 'pause' && pause.durationMs >= 30_000 && pause.durationMs <= 60_000,
    ).toBe(true);
    expect(faults.map((f) => f.atMs)).toEqual([...faults.map((f) => f.atMs)].sort((a, b) => a - b));
  });

  it('gives the same schedule for the same seed, another for another seed', () => {
    const plan = (seed: number) => faultSchedule({ seed, windowMs: 60_000, killable, pausable });
    expect(plan(3)).toEqual(plan(3));
    expect(plan(3)).not.toEqual(plan(4));
  });

  it('plans only kills in a short window, and nothing in an empty one', () => {
    expect(
      faultSchedule({ seed: 1, windowMs: 15_000, killable, pausable }).every(
        (f) => f.kind === 'kill',
      ),
    ).toBe(true);
    expect(faultSchedule({ seed: 1, windowMs: 0, killable, pausable })).toEqual([]);
  });
});
