import { Writable } from 'node:stream';

import { createLogger } from './create-logger';
import { correlationFields, withCorrelation } from './with-correlation';

describe('withCorrelation', () => {
  it('adds the set ids to every line of a child logger and leaves unset ones out', () => {
    const chunks: string[] = [];
    const logger = createLogger({
      service: 'orchestrator',
      destination: new Writable({
        write(chunk: Buffer, _e, cb) {
          chunks.push(chunk.toString());
          cb();
        },
      }),
    });
    const log = withCorrelation(logger, { sagaId: 's-1', messageId: 'm-1', step: undefined });
    log.info('reply applied');
    log.child({ step: 'approve' }).warn('late reply');
    const lines = chunks
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toEqual(
      expect.objectContaining({ service: 'orchestrator', sagaId: 's-1', messageId: 'm-1' }),
    );
    expect(lines[0]).not.toHaveProperty('step');
    expect(lines[1]).toEqual(expect.objectContaining({ sagaId: 's-1', step: 'approve' }));
  });

  it('correlationFields keeps only the set ids', () => {
    expect(
      correlationFields({
        sagaId: 's',
        sagaType: undefined,
        messageId: 'm',
        step: 'x',
        attempt: 2,
      }),
    ).toEqual({ sagaId: 's', messageId: 'm', step: 'x', attempt: 2 });
  });
});
