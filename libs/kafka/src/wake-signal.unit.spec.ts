import { WakeSignal } from './wake-signal';

const LONG = 60_000;

describe('WakeSignal', () => {
  it('a wake-up ends a wakeable wait, and one that arrived earlier makes the next wait return at once', async () => {
    const signal = new WakeSignal();
    const waiting = signal.wait(LONG, true);
    signal.wake();
    await waiting;
    // Still pending: coalesced wake-ups are consumed only by clear().
    await signal.wait(LONG, true);
    signal.clear();
    let done = false;
    const next = signal.wait(20, true).then(() => {
      done = true;
    });
    expect(done).toBe(false);
    await next;
  });

  it('a wake-up does not end a non-wakeable wait, interrupt() ends any wait', async () => {
    const signal = new WakeSignal();
    let done = false;
    const backingOff = signal.wait(LONG, false).then(() => {
      done = true;
    });
    signal.wake();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(done).toBe(false);
    signal.interrupt();
    await backingOff;
    expect(done).toBe(true);
    // Sticky until resume(): a stop that came during a pass is not followed by a long wait.
    await signal.wait(LONG, false);
    signal.resume();
    let waited = false;
    const later = signal.wait(20, false).then(() => {
      waited = true;
    });
    expect(waited).toBe(false);
    await later;
  });
});
