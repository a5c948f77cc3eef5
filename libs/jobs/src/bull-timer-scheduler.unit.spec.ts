import { timerDelayMs } from './bull-timer-scheduler';

describe('timerDelayMs', () => {
  const now = new Date('2030-01-01T00:00:00.000Z');

  it('is the time left until dueAt', () => {
    expect(timerDelayMs('2030-01-01T00:00:01.500Z', now)).toBe(1500);
    expect(timerDelayMs('2030-01-01T00:00:00.000Z', now)).toBe(0);
  });

  it('is 0 for a timer already due', () => {
    expect(timerDelayMs('2029-12-31T23:59:00.000Z', now)).toBe(0);
  });

  it('rejects a dueAt that is not a time', () => {
    expect(() => timerDelayMs('tomorrow', now)).toThrow('invalid dueAt: "tomorrow"');
  });
});
