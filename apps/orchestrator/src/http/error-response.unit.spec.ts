import {
  ConcurrencyError,
  DeadLetterAlreadyReplayedError,
  IllegalSagaActionError,
  InvalidArgumentError,
  TimerSchedulingError,
} from '@sagaflow/core';

import { toErrorResponse } from './error-response';
import { refusalError } from './errors';

describe('toErrorResponse', () => {
  it('maps Sagaflow error codes to their status', () => {
    const cases: [Error, number, string][] = [
      [
        new InvalidArgumentError('businessKey', '', 'must be a non-empty string'),
        400,
        'ARGUMENT_INVALID',
      ],
      [
        new DeadLetterAlreadyReplayedError('7', '2030-01-01T00:00:00.000Z', 'ann'),
        409,
        'DEAD_LETTER_ALREADY_REPLAYED',
      ],
      [
        new IllegalSagaActionError('abort is not allowed after the pivot'),
        409,
        'ACTION_NOT_ALLOWED',
      ],
      [new ConcurrencyError('saga-1', 3), 409, 'CONCURRENCY_CONFLICT'],
      [new TimerSchedulingError('saga-1'), 503, 'TIMER_SCHEDULING_FAILED'],
    ];
    for (const [error, statusCode, code] of cases) {
      expect(toErrorResponse(error, 'req-1')).toEqual({
        statusCode,
        body: { error: { code, message: error.message } },
      });
    }
  });

  it('answers a refused request with its status and Retry-After', () => {
    const overloaded = refusalError({
      admitted: false,
      reason: 'pending-replies',
      count: 12_000,
      bound: 10_000,
      retryAfterSeconds: 2,
    });
    expect(toErrorResponse(overloaded, 'r')).toEqual({
      statusCode: 429,
      headers: { 'retry-after': '2' },
      body: {
        error: {
          code: 'SAGA_START_REFUSED',
          message:
            'the orchestrator is overloaded: 12000 replies waiting to be applied (bound 10000); no new saga was started, try again later',
          details: {
            reason: 'pending-replies',
            count: 12_000,
            bound: 10_000,
            retryAfterSeconds: 2,
          },
        },
      },
    });
    const starting = refusalError({
      admitted: false,
      reason: 'starting',
      count: null,
      bound: null,
      retryAfterSeconds: 1,
    });
    expect(toErrorResponse(starting, 'r')).toMatchObject({
      statusCode: 503,
      headers: { 'retry-after': '1' },
      body: { error: { code: 'SERVICE_STARTING' } },
    });
  });

  it('answers 500 without the message for terminal errors the API does not know', () => {
    const error = new InvalidArgumentError({
      code: 'OPTIONS_INVALID',
      component: 'createKafka',
      issues: [{ field: 'brokers', value: '"secret-host:9092"', expected: 'host:port' }],
    });
    const response = toErrorResponse(error, 'req-7');
    expect(response.statusCode).toBe(500);
    expect(JSON.stringify(response.body)).not.toContain('secret-host');
    expect(response.body.error.code).toBe('INTERNAL_ERROR');
  });

  it('keeps the status of client errors raised while reading the request', () => {
    const tooLarge = Object.assign(new RangeError('Request body is too large'), {
      statusCode: 413,
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
    });
    expect(toErrorResponse(tooLarge, 'r')).toEqual({
      statusCode: 413,
      body: { error: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' } },
    });
    const serverSide = Object.assign(new Error('socket hang up'), { statusCode: 502 });
    expect(toErrorResponse(serverSide, 'r').statusCode).toBe(500);
    expect(toErrorResponse('a string', 'r').statusCode).toBe(500);
  });
});
