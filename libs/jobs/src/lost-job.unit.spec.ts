import { RecordingLogger } from '@sagaflow/core/testing';
import { ErrorCode } from 'bullmq';

import { type LostJob, lostJobOf, WorkerErrorLog } from './lost-job';

/** An error as BullMQ builds it for a negative script result. */
function bullError(code: ErrorCode, message: string): Error {
  return Object.assign(new Error(message), { code });
}

const missingKey = (jobId: string) =>
  bullError(ErrorCode.JobNotExist, `Missing key for job ${jobId}. moveToFinished`);

describe('lostJobOf', () => {
  it("reads the job id and the command from BullMQ's missing-key error", () => {
    expect(lostJobOf(missingKey('ep-payment-service-m.1'), 'q')).toEqual({
      queue: 'q',
      jobId: 'ep-payment-service-m.1',
      operation: 'moveToFinished',
    });
  });

  it('is null for any other error', () => {
    expect(lostJobOf(bullError(ErrorCode.JobLockNotExist, 'Missing lock for job 1. x'), 'q')).toBe(
      null,
    );
    expect(lostJobOf(new Error('Missing key for job 1. moveToFinished'), 'q')).toBe(null);
    expect(lostJobOf(bullError(ErrorCode.JobNotExist, 'something else'), 'q')).toBe(null);
    expect(lostJobOf('Missing key for job 1. moveToFinished', 'q')).toBe(null);
  });
});

describe('WorkerErrorLog', () => {
  function log(onJobLost?: (job: LostJob) => void) {
    const logger = new RecordingLogger();
    const errors = new WorkerErrorLog({
      queue: 'q',
      message: 'worker error',
      logger,
      observer: onJobLost === undefined ? {} : { onJobLost },
    });
    return { logger, errors };
  }

  it('reports a lost job once, at warn, with its id and the reason, and counts it', () => {
    const lost: LostJob[] = [];
    const { logger, errors } = log((job) => lost.push(job));

    errors.report(missingKey('7'));
    errors.report(missingKey('7'));
    errors.report(missingKey('8'));

    expect(lost.map((job) => job.jobId)).toEqual(['7', '8']);
    expect(logger.lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        fields: expect.objectContaining({
          queue: 'q',
          jobId: '7',
          operation: 'moveToFinished',
          reason: 'Missing key for job 7. moveToFinished',
        }) as unknown,
      }),
      expect.objectContaining({ level: 'warn' }),
    ]);
  });

  it('keeps every other error at error level', () => {
    const { logger, errors } = log();

    errors.report(new Error('READONLY You cannot write against a read only replica'));

    expect(logger.lines).toEqual([
      {
        level: 'error',
        message: 'worker error',
        fields: {
          queue: 'q',
          error: {
            name: 'Error',
            message: 'READONLY You cannot write against a read only replica',
          },
        },
      },
    ]);
  });

  it('logs a hook that throws, and still reports the job', () => {
    const { logger, errors } = log(() => {
      throw new Error('metrics down');
    });

    errors.report(missingKey('9'));

    expect(logger.lines.map((line) => line.level)).toEqual(['warn', 'error']);
    expect(logger.lines[1]?.message).toBe('worker observer hook onJobLost threw');
  });
});
