import { ConflictError, ShutdownError } from '../errors/errors';
import { RecordingLogger } from '../testing/recording-logger';
import { ServiceLifecycle } from './service-lifecycle';

function lifecycle(restartable = false): {
  readonly lifecycle: ServiceLifecycle;
  readonly closed: string[];
  readonly logger: RecordingLogger;
  readonly close: (component: string) => () => Promise<void>;
} {
  const logger = new RecordingLogger();
  const closed: string[] = [];
  const close = (component: string) => (): Promise<void> => {
    closed.push(component);
    return Promise.resolve();
  };
  return {
    lifecycle: new ServiceLifecycle({ service: 'participant', logger, restartable }),
    closed,
    logger,
    close,
  };
}

describe('ServiceLifecycle', () => {
  it('closes stage by stage, the component opened last first within a stage', async () => {
    const { lifecycle: l, closed, close } = lifecycle();
    l.opened('connections', 'redis', close('redis'));
    await l.start(() => {
      l.opened('intake', 'http', close('http'));
      l.opened('connections', 'mysql', close('mysql'));
      l.opened('delivery', 'publisher', close('publisher'));
      l.opened('delivery', 'relay', close('relay'));
      l.opened('work', 'worker pool', close('worker pool'));
      l.opened('intake', 'consumer', close('consumer'));
      return Promise.resolve();
    });
    expect(l.running).toBe(true);

    await l.stop();

    expect(closed).toEqual([
      'consumer',
      'http',
      'worker pool',
      'relay',
      'publisher',
      'mysql',
      'redis',
    ]);
    expect(l.running).toBe(false);
  });

  it('tries every component and throws one ShutdownError naming each failure', async () => {
    const { lifecycle: l, closed, close, logger } = lifecycle();
    const broken = new Error('connection reset');
    await l.start(() => {
      l.opened('connections', 'redis', close('redis'));
      l.opened('work', 'worker pool', () => Promise.reject(broken));
      l.opened('intake', 'consumer', () => Promise.reject(new Error('not joined')));
      l.opened('delivery', 'relay', close('relay'));
      return Promise.resolve();
    });

    const error = await l.stop().then(
      () => null,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(ShutdownError);
    expect(error).toMatchObject({
      code: 'SHUTDOWN_FAILED',
      retryable: false,
      message: 'the participant stopped with failures in: consumer, worker pool',
    });
    expect((error as ShutdownError).failures).toEqual([
      { component: 'consumer', error: new Error('not joined') },
      { component: 'worker pool', error: broken },
    ]);
    expect(closed).toEqual(['relay', 'redis']);
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => l.fields.component)).toEqual([
      'consumer',
      'worker pool',
    ]);
    // What failed to close is not tried again by a second stop.
    await expect(l.stop()).resolves.toBeUndefined();
  });

  it('closes what a failed start opened and rethrows why it failed', async () => {
    const { lifecycle: l, closed, close, logger } = lifecycle(true);
    const refused = new Error('Unknown database');

    await expect(
      l.start(async () => {
        l.opened('intake', 'http', close('http'));
        await Promise.resolve();
        throw refused;
      }),
    ).rejects.toBe(refused);

    expect(closed).toEqual(['http']);
    expect(l.running).toBe(false);
    expect(logger.lines.map((l) => l.message)).toContain(
      'participant failed to start; stopping what was started',
    );
    await expect(l.stop()).resolves.toBeUndefined();
    expect(closed).toEqual(['http']);
  });

  it('does nothing on a start while running, and a stop waits for a start under way', async () => {
    const { lifecycle: l, closed, close } = lifecycle();
    let starts = 0;
    let release: () => void = () => undefined;
    const running = new Promise<void>((entered) => {
      void l.start(async () => {
        starts += 1;
        entered();
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        l.opened('work', 'worker pool', close('worker pool'));
      });
    });
    await running;
    const started = l.start(() => Promise.reject(new Error('a second run')));
    const stopped = l.stop();
    release();

    await started;
    await stopped;

    expect(starts).toBe(1);
    expect(closed).toEqual(['worker pool']);
    await l
      .start(() => Promise.reject(new Error('never run')))
      .catch((e: unknown) => {
        expect(e).toBeInstanceOf(ConflictError);
        expect(e).toMatchObject({ code: 'PARTICIPANT_STOPPED' });
      });
  });

  it('starts once however often it is asked, and starts again after a stop when restartable', async () => {
    const { lifecycle: l, closed, close } = lifecycle(true);
    let starts = 0;
    const run = (): Promise<void> => {
      starts += 1;
      l.opened('work', `pool ${String(starts)}`, close(`pool ${String(starts)}`));
      return Promise.resolve();
    };

    await Promise.all([l.start(run), l.start(run)]);
    expect(starts).toBe(1);
    await l.stop();
    await l.start(run);
    await l.stop();

    expect(starts).toBe(2);
    expect(closed).toEqual(['pool 1', 'pool 2']);
  });

  it('refuses to start again after a stop unless restartable, even when never started', async () => {
    const { lifecycle: l } = lifecycle();
    await l.stop();

    await expect(l.start(() => Promise.resolve())).rejects.toMatchObject({
      name: 'ConflictError',
      code: 'PARTICIPANT_STOPPED',
      message: 'this participant was stopped and cannot start again; create a new one',
    });
  });
});
