import { InvalidArgumentError } from '../errors/errors';
import { ManualClock } from './manual-clock';

describe('ManualClock', () => {
  it('starts where told and moves only when told', () => {
    const clock = new ManualClock('2030-01-01T00:00:00Z');
    expect(clock.now().toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(clock.advance(1500).toISOString()).toBe('2030-01-01T00:00:01.500Z');
    clock.set(new Date('2030-01-02T00:00:00Z'));
    expect(clock.now().toISOString()).toBe('2030-01-02T00:00:00.000Z');
  });

  it('returns a new Date each time, so callers cannot move it', () => {
    const clock = new ManualClock(new Date('2030-01-01T00:00:00Z'));
    clock.now().setFullYear(1999);
    expect(clock.now().getUTCFullYear()).toBe(2030);
  });

  it('never moves backwards', () => {
    const clock = new ManualClock('2030-01-01T00:00:00Z');
    expect(() => {
      clock.set('2029-12-31T23:59:59Z');
    }).toThrow('must not be earlier than the clock (2030-01-01T00:00:00.000Z)');
    expect(() => clock.advance(-1)).toThrow(InvalidArgumentError);
    expect(clock.now().toISOString()).toBe('2030-01-01T00:00:00.000Z');
  });

  it('rejects an invalid start', () => {
    expect(() => new ManualClock('soon')).toThrow('invalid start: "soon"');
  });
});
