import { RecordingLogger } from '../testing/recording-logger';
import { notifyObserver } from './logger';

interface RelayObserver {
  onPublished?(observation: { readonly count: number }): void;
  onError?: (error: unknown) => void;
  onStopped?(): void;
}

describe('notifyObserver', () => {
  it('calls the hook with the observation, the observer as `this`, and logs nothing', () => {
    const logger = new RecordingLogger();
    const seen: unknown[] = [];
    const observer = {
      prefix: 'published',
      onPublished(observation: { readonly count: number }): void {
        seen.push([this.prefix, observation.count]);
      },
    };

    notifyObserver(observer, 'onPublished', { count: 3 }, { logger, component: 'outbox relay' });

    expect(seen).toEqual([['published', 3]]);
    expect(logger.lines).toEqual([]);
  });

  it('does nothing for a hook the observer does not have', () => {
    const logger = new RecordingLogger();
    const observer: RelayObserver = {};

    notifyObserver(observer, 'onPublished', { count: 1 }, { logger, component: 'outbox relay' });
    notifyObserver(observer, 'onStopped', undefined, { logger, component: 'outbox relay' });

    expect(logger.lines).toEqual([]);
  });

  it('logs a hook that throws at error level, with the context fields, and returns', () => {
    const logger = new RecordingLogger();
    const observer: RelayObserver = {
      onError: () => {
        throw new Error('metrics down');
      },
    };

    expect(() => {
      notifyObserver(observer, 'onError', new Error('broker gone'), {
        logger,
        component: 'outbox relay',
        fields: { queue: 'q-1' },
      });
    }).not.toThrow();
    expect(logger.lines).toEqual([
      {
        level: 'error',
        message: 'outbox relay observer hook onError threw',
        fields: { queue: 'q-1', error: { name: 'Error', message: 'metrics down' } },
      },
    ]);
  });

  it('types the hook name and the observation from the observer', () => {
    const logger = new RecordingLogger();
    const observer: RelayObserver & { readonly name: string } = { name: 'r' };
    const options = { logger, component: 'relay' };

    // @ts-expect-error: `name` is not a hook
    notifyObserver(observer, 'name', undefined, options);
    // @ts-expect-error: `onPublished` takes `{ count }`
    notifyObserver(observer, 'onPublished', { total: 1 }, options);
    // @ts-expect-error: `onMissing` is not a key of the observer
    notifyObserver(observer, 'onMissing', undefined, options);

    expect(logger.lines).toEqual([]);
  });
});
