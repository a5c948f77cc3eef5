import { RecordingLogger } from './recording-logger';

describe('RecordingLogger', () => {
  it('records every level, merging the fields of its children into one shared list', () => {
    const logger = new RecordingLogger({ app: 'test' });
    const child = logger.child({ sagaId: 's-1' }).child({ step: 'a' });
    logger.debug('d');
    child.info('i', { n: 1 });
    child.warn('w');
    logger.error('e', { app: 'override' });
    expect(logger.lines).toEqual([
      { level: 'debug', message: 'd', fields: { app: 'test' } },
      { level: 'info', message: 'i', fields: { app: 'test', sagaId: 's-1', step: 'a', n: 1 } },
      { level: 'warn', message: 'w', fields: { app: 'test', sagaId: 's-1', step: 'a' } },
      { level: 'error', message: 'e', fields: { app: 'override' } },
    ]);
  });
});
