import { type LogFields, type Logger } from '@sagaflow/core';

import { ParticipantMonitor } from './participant-monitor';
import { type ParticipantObserver } from './participant-observer';

function recordingLogger(lines: { message: string; fields?: LogFields }[]): Logger {
  const log = (message: string, fields?: LogFields) => {
    lines.push(fields === undefined ? { message } : { message, fields });
  };
  const logger: Logger = { debug: log, info: log, warn: log, error: log, child: () => logger };
  return logger;
}

describe('ParticipantMonitor', () => {
  it('counts outcomes, duplicates, retries, dead letters and lost jobs, and calls the observer', () => {
    const events: unknown[] = [];
    const observer: ParticipantObserver = {
      onHandled: (e) => events.push(['handled', e.outcome]),
      onDuplicate: (e) => events.push(['duplicate', e.reason, e.count]),
      onFailure: (e) => events.push(['failure', e.kind, e.code]),
      onDeadLetter: (e) => events.push(['dead letter', e.reasonCode]),
      onJobLost: (e) => events.push(['job lost', e.queue]),
    };
    const monitor = new ParticipantMonitor(observer, recordingLogger([]));

    monitor.handled('ReserveCredit', 'forward', 'applied', 5);
    monitor.handled('ReserveCredit', 'forward', 'stored', 1);
    monitor.handled('ReleaseCredit', 'compensation', 'nothing-to-undo', 1);
    monitor.handled('ReserveCredit', 'forward', 'business-failure', 2);
    monitor.handled('ReserveCredit', 'forward', 'technical-failure', 2);
    monitor.duplicate('redelivered', 2);
    monitor.duplicate('redelivered', 0);
    monitor.duplicate('step-applied', 1);
    monitor.failure('ReserveCredit', 'retry', 'ECONNRESET');
    monitor.deadLetter('UNKNOWN_MESSAGE_TYPE');
    monitor.jobLost('sagaflow-ep-payment-service');

    expect(monitor.stats).toEqual({
      handled: 5,
      applied: 1,
      redelivered: 2,
      stepDuplicates: 1,
      nothingToUndo: 1,
      businessFailures: 1,
      technicalFailures: 1,
      retries: 1,
      deadLetters: 1,
      lostJobs: 1,
    });
    expect(events).toEqual([
      ['handled', 'applied'],
      ['handled', 'stored'],
      ['handled', 'nothing-to-undo'],
      ['handled', 'business-failure'],
      ['handled', 'technical-failure'],
      ['duplicate', 'redelivered', 2],
      ['duplicate', 'step-applied', 1],
      ['failure', 'retry', 'ECONNRESET'],
      ['dead letter', 'UNKNOWN_MESSAGE_TYPE'],
      ['job lost', 'sagaflow-ep-payment-service'],
    ]);
  });

  it('logs a hook that throws and still counts', () => {
    const lines: { message: string; fields?: LogFields }[] = [];
    const monitor = new ParticipantMonitor(
      {
        onHandled: () => {
          throw new Error('metrics backend down');
        },
      },
      recordingLogger(lines),
    );

    monitor.handled('ReserveCredit', 'forward', 'applied', 1);

    expect(monitor.stats.applied).toBe(1);
    expect(lines.map((l) => l.message)).toEqual(['participant observer hook onHandled threw']);
  });
});
