import { ApiError, type ApiErrorAnswer, describeApiError, networkFailureOf } from './errors';

const base = { method: 'GET', path: '/sagas/s-1', tokenSent: true } as const;

function answer(fields: Partial<ApiErrorAnswer> & Pick<ApiErrorAnswer, 'status'>): ApiErrorAnswer {
  return { ...base, code: 'SOME_CODE', message: 'some message', ...fields };
}

describe('describeApiError', () => {
  it('401: the token was refused, or none was given', () => {
    const refused = answer({
      status: 401,
      code: 'UNAUTHENTICATED',
      message: 'the API token is not valid',
    });
    expect(describeApiError(refused)).toBe('the token was refused: the API token is not valid');
    expect(describeApiError({ ...refused, tokenSent: false })).toBe(
      'no token given (pass --token or set SAGAFLOW_TOKEN): the API token is not valid',
    );
  });

  it("403: the token's role may not do this", () => {
    expect(
      describeApiError(
        answer({
          status: 403,
          code: 'ACCESS_DENIED',
          message:
            "token 'dash' has role viewer; POST /sagas/:sagaId/actions/:action needs operator",
          details: { role: 'viewer', required: 'operator' },
        }),
      ),
    ).toBe(
      "the token may not do this: token 'dash' has role viewer; POST /sagas/:sagaId/actions/:action needs operator",
    );
  });

  it('404: names the saga or dead letter that does not exist', () => {
    const saga = answer({
      status: 404,
      code: 'SAGA_NOT_FOUND',
      message: "saga 'x' does not exist",
      subject: { kind: 'saga', id: 'x' },
    });
    expect(describeApiError(saga)).toBe("no saga 'x'");
    expect(
      describeApiError({
        ...saga,
        code: 'DEAD_LETTER_NOT_FOUND',
        subject: { kind: 'dead letter', id: '42' },
      }),
    ).toBe("no dead letter '42'");
  });

  it('404: an unknown saga type and an unknown route say so', () => {
    expect(
      describeApiError(
        answer({
          status: 404,
          code: 'SAGA_TYPE_UNKNOWN',
          message: "no saga type 'place-odrer'",
          method: 'POST',
          path: '/sagas',
        }),
      ),
    ).toBe("SAGA_TYPE_UNKNOWN: no saga type 'place-odrer'");
    expect(
      describeApiError(
        answer({
          status: 404,
          code: 'ROUTE_NOT_FOUND',
          message: 'no route GET /dead-letters',
          path: '/dead-letters',
          subject: { kind: 'dead letter', id: '1' },
        }),
      ),
    ).toBe(
      'the orchestrator has no GET /dead-letters (no route GET /dead-letters): is it older than this CLI?',
    );
  });

  it("409: the API's code and message", () => {
    expect(
      describeApiError(
        answer({
          status: 409,
          code: 'ACTION_NOT_ALLOWED',
          message: "retry-compensation is not allowed in saga 's-1': it is RUNNING",
        }),
      ),
    ).toBe("ACTION_NOT_ALLOWED: retry-compensation is not allowed in saga 's-1': it is RUNNING");
    expect(
      describeApiError(
        answer({
          status: 409,
          code: 'SAGA_VERSION_MOVED',
          message: "saga 's-1' is at version 15, not 14",
        }),
      ),
    ).toBe(
      "SAGA_VERSION_MOVED: saga 's-1' is at version 15, not 14 (show the saga again and decide on what it is now)",
    );
  });

  it('429 and 503: when to try again', () => {
    expect(
      describeApiError(
        answer({
          status: 429,
          code: 'RATE_LIMITED',
          message: "token 'ops' sent more than 120 writes this minute",
          retryAfterSeconds: 17,
        }),
      ),
    ).toBe("RATE_LIMITED: token 'ops' sent more than 120 writes this minute; retry after 17 s");
    expect(
      describeApiError(
        answer({
          status: 503,
          code: 'SERVICE_STARTING',
          message: 'the orchestrator is starting',
          retryAfterSeconds: 1,
        }),
      ),
    ).toBe(
      'the orchestrator failed (503 SERVICE_STARTING): the orchestrator is starting; retry after 1 s',
    );
  });

  it('400: the message and every issue', () => {
    expect(
      describeApiError(
        answer({
          status: 400,
          code: 'REQUEST_INVALID',
          message: 'the request is invalid',
          details: { issues: ['query.limit: Too big', 'query.sort: Invalid option'] },
        }),
      ),
    ).toBe(
      [
        'the request was refused (REQUEST_INVALID): the request is invalid',
        '  - query.limit: Too big',
        '  - query.sort: Invalid option',
      ].join('\n'),
    );
  });

  it('an ApiError is transient for 429 and 5xx only', () => {
    expect(new ApiError(answer({ status: 429 })).transient).toBe(true);
    expect(new ApiError(answer({ status: 502 })).transient).toBe(true);
    expect(new ApiError(answer({ status: 409 })).transient).toBe(false);
    expect(new ApiError(answer({ status: 404 })).exitCode).toBe(1);
  });
});

describe('networkFailureOf', () => {
  it("reads the cause undici gives a failed fetch, or the first of a host's addresses", () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8080'), {
      code: 'ECONNREFUSED',
    });
    expect(networkFailureOf(new TypeError('fetch failed', { cause: refused }))).toBe(
      'connect ECONNREFUSED 127.0.0.1:8080',
    );
    const several = Object.assign(new AggregateError([refused], ''), { code: 'ECONNREFUSED' });
    expect(networkFailureOf(new TypeError('fetch failed', { cause: several }))).toBe(
      'connect ECONNREFUSED 127.0.0.1:8080',
    );
    expect(networkFailureOf(new TypeError('fetch failed'))).toBe('fetch failed');
  });
});
