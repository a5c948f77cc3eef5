// The CLI end to end in-process: its arguments in, the requests it sends and what it writes
// out, against a fake of the orchestrator's HTTP API behind `fetch`.
import { type SagaEventEntry, type SagaView } from './api-types';
import { runCli } from './cli';
import { type CliIo } from './command-context';
import { InterruptedError } from './errors';

const TOKEN = 'sf_secret-token-value';
const now = new Date('2024-05-01T12:00:00.000Z');

interface SentRequest {
  readonly method: string;
  readonly origin: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

type Handler = (request: SentRequest) => Response | Promise<Response>;

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

function apiError(status: number, code: string, message: string, extra: object = {}): Response {
  return json(status, { error: { code, message, ...extra } });
}

/** Server-sent events, delivered in chunks that cut lines in the middle. */
function eventStream(messages: readonly string[]): Response {
  const text = messages.join('');
  const chunks = [text.slice(0, 7), text.slice(7, 60), text.slice(60)];
  const encoder = new TextEncoder();
  return new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
        controller.close();
      },
    }),
    { headers: { 'content-type': 'text/event-stream' } },
  );
}

function harness(
  handler: Handler,
  options: {
    env?: Record<string, string>;
    isTTY?: boolean;
    files?: Record<string, string>;
    signal?: AbortSignal;
  } = {},
) {
  const requests: SentRequest[] = [];
  const fakeFetch = (async (url: string | URL | Request, init?: RequestInit) => {
    const parsed = new URL(url instanceof Request ? url.url : url);
    const request: SentRequest = {
      method: init?.method ?? 'GET',
      origin: parsed.origin,
      path: parsed.pathname,
      query: Object.fromEntries(parsed.searchParams),
      headers: { ...(init?.headers as Record<string, string>) },
      body: typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
    };
    requests.push(request);
    // As fetch does: an abort of the signal rejects with its reason.
    const signal = init?.signal ?? undefined;
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted === true) reject(signal.reason as Error);
      signal?.addEventListener(
        'abort',
        () => {
          reject(signal.reason as Error);
        },
        { once: true },
      );
      Promise.resolve(handler(request)).then(resolve, reject);
    });
  }) as typeof fetch;
  const sleeps: number[] = [];
  const run = async (args: string[]) => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      env: { SAGAFLOW_TOKEN: TOKEN, ...options.env },
      stdout: {
        write: (text) => {
          stdout += text;
        },
        isTTY: options.isTTY ?? false,
      },
      stderr: {
        write: (text) => {
          stderr += text;
        },
      },
      now: () => now,
      readFile: (path) =>
        options.files?.[path] === undefined
          ? Promise.reject(new Error(`ENOENT: no such file, open '${path}'`))
          : Promise.resolve(options.files[path]),
      sleep: (ms) => {
        sleeps.push(ms);
        return options.signal?.aborted === true
          ? Promise.reject(new InterruptedError())
          : Promise.resolve();
      },
      fetch: fakeFetch,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    };
    const code = await runCli(args, io);
    return { code, stdout, stderr };
  };
  return { run, requests, sleeps };
}

const sagaView: SagaView = {
  sagaId: 's-1',
  sagaType: 'place-order',
  sagaVersion: 1,
  businessKey: 'o-1',
  status: 'COMPENSATION_FAILED',
  version: 3,
  activeSteps: [],
  failure: { step: 'reserve-stock', code: 'OUT_OF_STOCK', message: '0 left' },
  steps: [],
  startedAt: '2024-05-01T11:00:00.000Z',
  updatedAt: '2024-05-01T11:00:03.000Z',
  endedAt: null,
};

function entry(seq: number, type: string, fields: object = {}): SagaEventEntry {
  return {
    seq,
    type,
    event: { type, v: 1, at: '2024-05-01T11:00:00.000Z', ...fields },
    recordedAt: `2024-05-01T11:00:0${seq}.000Z`,
  };
}

const history = [
  entry(1, 'SagaStarted', { sagaType: 'place-order', sagaVersion: 1, businessKey: 'o-1' }),
  entry(2, 'CompensationFailed', {
    step: 'reserve-credit',
    failure: { kind: 'technical', code: 'HANDLER_FAILED', message: 'credit frozen' },
  }),
  entry(3, 'OperatorActionRecorded', {
    action: 'retry-compensation',
    step: null,
    actor: 'ops',
    reason: 'credit hold lifted',
  }),
];

/** `GET /sagas/s-1` and its history in pages of two; 404 for any other saga. */
const sagaRoutes: Handler = (request) => {
  if (request.path === '/sagas/s-1') return json(200, sagaView);
  if (request.path === '/sagas/s-1/events') {
    const after = history.filter((e) => e.seq > Number(request.query.afterSeq));
    const events = after.slice(0, 2);
    return json(200, {
      sagaId: 's-1',
      events,
      nextAfterSeq: after.length > 2 ? (events.at(-1)?.seq ?? null) : null,
    });
  }
  const id = request.path.split('/')[2] ?? '';
  return apiError(404, 'SAGA_NOT_FOUND', `saga '${id}' does not exist`);
};

describe('sagaflow list', () => {
  it("sends the filters as the API's query, with the token, and prints its JSON unchanged", async () => {
    const page = { items: [], nextCursor: null };
    const { run, requests } = harness(() => json(200, page));

    const { code, stdout, stderr } = await run([
      'list',
      '--status',
      'RUNNING',
      'compensating',
      '--type',
      'place-order',
      '--updated-after',
      '1h',
      '--stuck-after',
      '10m',
      '--sort',
      'updated',
      '--order',
      'asc',
      '--limit',
      '20',
      '--json',
    ]);

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(stdout)).toEqual(page);
    expect(requests).toEqual([
      {
        method: 'GET',
        origin: 'http://127.0.0.1:8080',
        path: '/sagas',
        query: {
          status: 'RUNNING,COMPENSATING',
          sagaType: 'place-order',
          updatedAfter: '2024-05-01T11:00:00.000Z',
          stuck: 'true',
          stuckAfterMs: '600000',
          sort: 'updated',
          order: 'asc',
          limit: '20',
        },
        headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' },
        body: undefined,
      },
    ]);
  });

  it('--all follows nextCursor and prints one table, without colours off a terminal', async () => {
    const item = (sagaId: string) => ({
      sagaId,
      sagaType: 'place-order',
      sagaVersion: 1,
      businessKey: null,
      status: 'RUNNING',
      activeSteps: ['reserve-credit'],
      failureCode: null,
      version: 4,
      startedAt: '2024-05-01T11:58:00.000Z',
      updatedAt: '2024-05-01T11:59:00.000Z',
      endedAt: null,
    });
    const { run, requests } = harness((request) =>
      request.query.cursor === undefined
        ? json(200, { items: [item('s-1')], nextCursor: 'c-2' })
        : json(200, { items: [item('s-2')], nextCursor: null }),
    );

    const { code, stdout } = await run(['list', '--all', '--stuck']);

    expect(code).toBe(0);
    expect(requests.map((r) => r.query)).toEqual([
      { stuck: 'true' },
      { stuck: 'true', cursor: 'c-2' },
    ]);
    expect(stdout).toBe(
      [
        'ID   TYPE            STATUS   ACTIVE STEPS    STARTED               UPDATED',
        's-1  place-order v1  RUNNING  reserve-credit  2024-05-01T11:58:00Z  1m ago',
        's-2  place-order v1  RUNNING  reserve-credit  2024-05-01T11:58:00Z  1m ago',
        '',
      ].join('\n'),
    );
  });

  it('refuses a bad option value with exit 2, sending nothing', async () => {
    const { run, requests } = harness(() => json(200, {}));

    const { code, stderr } = await run(['list', '--started-after', 'last week']);

    expect(code).toBe(2);
    expect(stderr).toContain("error: --started-after: 'last week' is neither an ISO-8601 time");
    expect(requests).toEqual([]);
  });
});

describe('sagaflow show', () => {
  it('prints the state and the timeline of the whole history, read page by page', async () => {
    const { run, requests } = harness(sagaRoutes);

    const { code, stdout } = await run(['show', 's-1']);

    expect(code).toBe(0);
    expect(requests.map((r) => `${r.path}?${new URLSearchParams(r.query).toString()}`)).toEqual([
      '/sagas/s-1?',
      '/sagas/s-1/events?afterSeq=0',
      '/sagas/s-1/events?afterSeq=2',
    ]);
    expect(stdout).toContain('status        COMPENSATION_FAILED (version 3)\n');
    expect(stdout).toContain(
      [
        ' SEQ  TIME                      EVENT                   FACTS',
        '   1  2024-05-01T11:00:01.000Z  SagaStarted             place-order v1, business key o-1',
        '   2  2024-05-01T11:00:02.000Z  CompensationFailed      reserve-credit: technical HANDLER_FAILED: credit frozen',
        '   3  2024-05-01T11:00:03.000Z  OperatorActionRecorded  retry-compensation by ops: "credit hold lifted"',
      ].join('\n'),
    );
    expect(stdout).not.toContain('\u001b[');
  });

  it('--json prints the saga and every event as the API gave them', async () => {
    const { run } = harness(sagaRoutes);

    const { stdout } = await run(['show', 's-1', '--json']);

    expect(JSON.parse(stdout)).toEqual({ saga: sagaView, events: history });
  });

  it('colours the statuses on a terminal', async () => {
    const { run } = harness(sagaRoutes);

    const { stdout } = await run(['show', 's-1']);
    const coloured = await harness(sagaRoutes, { isTTY: true }).run(['show', 's-1']);

    expect(stdout).not.toContain('\u001b[');
    expect(coloured.stdout).toContain('\u001b[31mCOMPENSATION_FAILED\u001b[39m (version 3)');
  });

  it("an unknown saga exits 1 with 'no saga'", async () => {
    const { run } = harness(sagaRoutes);

    const { code, stdout, stderr } = await run(['show', 'nope']);

    expect({ code, stdout, stderr }).toEqual({
      code: 1,
      stdout: '',
      stderr: "error: no saga 'nope'\n",
    });
  });
});

describe('sagaflow watch', () => {
  it('prints the history, then the streamed events, and ends with the saga', async () => {
    const streamed = [
      entry(3, 'OperatorActionRecorded', {
        action: 'abort',
        step: null,
        actor: 'ops',
        reason: 'r',
      }),
      entry(4, 'SagaCompensated'),
    ];
    const { run, requests } = harness((request) => {
      if (request.path !== '/events/stream') return sagaRoutes(request);
      return eventStream([
        ': connected\n\n',
        ...streamed.map(
          (e) =>
            `id: ev-${e.seq}\nevent: saga-event\ndata: ${JSON.stringify({ sagaId: 's-1', sagaType: 'place-order', ...e })}\n\n`,
        ),
      ]);
    });

    const { code, stdout, stderr } = await run(['watch', 's-1']);

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const stream = requests.find((r) => r.path === '/events/stream');
    expect(stream?.query).toEqual({ sagaId: 's-1' });
    expect(stream?.headers).toMatchObject({
      accept: 'text/event-stream',
      authorization: `Bearer ${TOKEN}`,
    });
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('s-1  place-order v1  COMPENSATION_FAILED');
    expect(lines.slice(2).map((line) => line.slice(0, 55).trimEnd())).toEqual([
      '   1  2024-05-01T11:00:01.000Z  SagaStarted',
      '   2  2024-05-01T11:00:02.000Z  CompensationFailed',
      '   3  2024-05-01T11:00:03.000Z  OperatorActionRecorded',
      '   4  2024-05-01T11:00:04.000Z  SagaCompensated',
      'saga s-1 ended: COMPENSATED',
    ]);
  });

  it('polls the events API every second when the stream answers 404, printing JSON lines', async () => {
    let reads = 0;
    const { run, sleeps } = harness((request) => {
      if (request.path === '/events/stream') {
        return apiError(404, 'ROUTE_NOT_FOUND', 'no route GET /events/stream');
      }
      if (request.path === '/sagas/s-1/events' && Number(request.query.afterSeq) >= 3) {
        reads += 1;
        const events = reads < 3 ? [] : [entry(4, 'SagaCompensated')];
        return json(200, { sagaId: 's-1', events, nextAfterSeq: null });
      }
      return sagaRoutes(request);
    });

    const { code, stdout, stderr } = await run(['watch', 's-1', '--json']);

    expect(code).toBe(0);
    expect(stderr).toBe('the orchestrator has no event stream: polling every 1000 ms\n');
    expect(
      stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([...history, entry(4, 'SagaCompensated')]);
    expect(sleeps).toEqual([1000, 1000, 1000]);
  });

  it('Ctrl-C ends it with exit 130 and no error message', async () => {
    const interrupt = new AbortController();
    const { run } = harness(
      (request) => {
        if (request.path === '/events/stream') return apiError(404, 'ROUTE_NOT_FOUND', 'none');
        if (request.query.afterSeq === '3') interrupt.abort();
        return sagaRoutes(request);
      },
      { signal: interrupt.signal },
    );

    const { code, stderr } = await run(['watch', 's-1', '--json']);

    expect(code).toBe(130);
    expect(stderr).toBe('the orchestrator has no event stream: polling every 1000 ms\n');
  });
});

describe('sagaflow start', () => {
  it('sends the input from a file with the business key and version', async () => {
    const files = { 'order.json': '{"orderId":"o-9","quantity":2}' };
    const { run, requests } = harness(
      () => json(201, { sagaId: 's-9', created: true, status: 'RUNNING' }),
      { files },
    );

    const started = await run([
      'start',
      'place-order',
      '--input',
      '@order.json',
      '--business-key',
      'o-9',
      '--version',
      '1',
    ]);

    expect(started).toEqual({
      code: 0,
      stdout: 'started saga s-9 (place-order): RUNNING\n',
      stderr: '',
    });
    expect(requests).toMatchObject([
      {
        method: 'POST',
        path: '/sagas',
        body: {
          sagaType: 'place-order',
          input: { orderId: 'o-9', quantity: 2 },
          businessKey: 'o-9',
          version: 1,
        },
      },
    ]);
  });

  it('an input file that cannot be read is a usage error: exit 2, nothing sent', async () => {
    const { run, requests } = harness(() => json(201, {}));

    const { code, stdout, stderr } = await run(['start', 'place-order', '--input', '@nope.json']);

    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toContain("error: --input: cannot read 'nope.json': ENOENT");
    expect(requests).toEqual([]);
  });

  it('says when the business key named an existing saga', async () => {
    const { run } = harness(() =>
      json(200, { sagaId: 's-1', created: false, status: 'COMPLETED' }),
    );

    const { stdout } = await run([
      'start',
      'place-order',
      '--input',
      '{}',
      '--business-key',
      'o-1',
    ]);

    expect(stdout).toBe("saga s-1 has business key 'o-1' already: COMPLETED (nothing started)\n");
  });
});

describe('operator actions', () => {
  it('sends the reason, step and expected version, and prints the new status', async () => {
    const { run, requests } = harness(() =>
      json(200, { ...sagaView, status: 'COMPENSATING', version: 5 }),
    );

    const { code, stdout } = await run([
      'retry-compensation',
      's-1',
      '--reason',
      'credit hold lifted',
      '--step',
      'reserve-credit',
      '--expected-version',
      '4',
    ]);

    expect(code).toBe(0);
    expect(stdout).toBe('retry-compensation done on saga s-1: now COMPENSATING (version 5)\n');
    expect(requests[0]).toMatchObject({
      method: 'POST',
      path: '/sagas/s-1/actions/retry-compensation',
      headers: { 'content-type': 'application/json' },
      body: { reason: 'credit hold lifted', step: 'reserve-credit', expectedVersion: 4 },
    });
  });

  it('`retry` is the retry-step action', async () => {
    const { run, requests } = harness(() => json(200, sagaView));

    await run(['retry', 's-1', '--step', 'reserve-stock', '--reason', 'restocked']);

    expect(requests[0]?.path).toBe('/sagas/s-1/actions/retry-step');
    expect(requests[0]?.body).toEqual({ reason: 'restocked', step: 'reserve-stock' });
  });

  it.each([
    [
      apiError(409, 'ACTION_NOT_ALLOWED', "abort is not allowed in saga 's-1': it is COMPLETED"),
      "error: ACTION_NOT_ALLOWED: abort is not allowed in saga 's-1': it is COMPLETED\n",
    ],
    [
      apiError(403, 'ACCESS_DENIED', "token 'dash' has role viewer; POST … needs operator"),
      "error: the token may not do this: token 'dash' has role viewer; POST … needs operator\n",
    ],
    [
      apiError(429, 'RATE_LIMITED', "token 'ops' sent more than 120 writes this minute", {
        details: { limit: 120, retryAfterSeconds: 12 },
      }),
      "error: RATE_LIMITED: token 'ops' sent more than 120 writes this minute; retry after 12 s\n",
    ],
    [
      apiError(400, 'REQUEST_INVALID', 'invalid request', {
        details: { issues: ['body.reason: Too small'] },
      }),
      'error: the request was refused (REQUEST_INVALID): invalid request\n  - body.reason: Too small\n',
    ],
  ])('a refusal exits 1 with what the API said (%#)', async (response, message) => {
    const withRetryAfter =
      response.status === 429
        ? new Response(response.body, {
            status: 429,
            headers: { 'content-type': 'application/json', 'retry-after': '12' },
          })
        : response;
    const { run } = harness(() => withRetryAfter);

    const { code, stdout, stderr } = await run(['abort', 's-1', '--reason', 'customer cancelled']);

    expect({ code, stdout, stderr }).toEqual({ code: 1, stdout: '', stderr: message });
  });
});

describe('dead letters', () => {
  it('lists with the filters, shows one, and replays with the reason', async () => {
    const letter = {
      id: '17',
      consumer: 'payment-service',
      sourceTopic: 'sagaflow.payment-service.commands',
      partition: 0,
      offset: '3',
      key: null,
      value: null,
      valueTruncated: false,
      headers: {},
      reason: { code: 'DECODE_FAILED', message: 'not JSON' },
      messageId: null,
      sagaId: 's-1',
      failedAt: '2024-05-01T11:00:00.000Z',
      replayedAt: '2024-05-01T11:59:00.000Z',
      replayedBy: 'ops',
    };
    const { run, requests } = harness((request) =>
      request.path === '/dead-letters'
        ? json(200, { items: [letter], nextBeforeId: '17' })
        : json(200, letter),
    );

    const listed = await run([
      'dead-letters',
      '--saga',
      's-1',
      '--no-replayed',
      '--reason-code',
      'DECODE_FAILED',
    ]);
    const shown = await run(['dead-letters', 'show', '17', '--json']);
    const replayed = await run(['replay', '17', '--reason', 'schema fixed', '--force']);

    expect(requests.map((r) => [r.method, r.path, r.query, r.body])).toEqual([
      [
        'GET',
        '/dead-letters',
        { sagaId: 's-1', reasonCode: 'DECODE_FAILED', replayed: 'false' },
        undefined,
      ],
      ['GET', '/dead-letters/17', {}, undefined],
      ['POST', '/dead-letters/17/replay', {}, { reason: 'schema fixed', force: true }],
    ]);
    expect(listed.stdout).toContain('17  2024-05-01T11:00:00Z  sagaflow.payment-service.commands');
    expect(listed.stdout).toContain('more: --before-id 17\n');
    expect(JSON.parse(shown.stdout)).toEqual(letter);
    expect(replayed.stdout).toBe(
      'dead letter 17 put back on sagaflow.payment-service.commands (replayed by ops at 2024-05-01T11:59:00.000Z)\n',
    );
  });

  it("an unknown dead letter exits 1 with 'no dead letter'", async () => {
    const { run } = harness(() => apiError(404, 'DEAD_LETTER_NOT_FOUND', "no dead letter '5'"));

    const { code, stderr } = await run(['dead-letters', 'show', '5']);

    expect({ code, stderr }).toEqual({ code: 1, stderr: "error: no dead letter '5'\n" });
  });
});

describe('connection and token', () => {
  it('a refused token exits 1 and never prints the token', async () => {
    const { run } = harness(() => apiError(401, 'UNAUTHENTICATED', 'the API token is not valid'));

    const { code, stdout, stderr } = await run(['list', '--token', 'sf_wrong']);

    expect({ code, stdout, stderr }).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: the token was refused: the API token is not valid\n',
    });
  });

  it('no token at all says how to give one', async () => {
    const { run, requests } = harness(() =>
      apiError(401, 'UNAUTHENTICATED', 'this route needs an API token'),
    );

    const { stderr } = await run(['list']);
    const withoutToken = harness(
      () => apiError(401, 'UNAUTHENTICATED', 'this route needs an API token'),
      { env: { SAGAFLOW_TOKEN: '' } },
    );
    const anonymous = await withoutToken.run(['list']);

    expect(requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(stderr).not.toContain(TOKEN);
    expect(withoutToken.requests[0]?.headers.authorization).toBeUndefined();
    expect(anonymous.stderr).toBe(
      'error: no token given (pass --token or set SAGAFLOW_TOKEN): this route needs an API token\n',
    );
  });

  it('asks --url, else SAGAFLOW_URL, else 127.0.0.1:8080', async () => {
    const empty = () => json(200, { items: [], nextCursor: null });
    const withEnv = harness(empty, { env: { SAGAFLOW_URL: 'http://env-host:9000' } });
    const withoutEnv = harness(empty);

    await withEnv.run(['list', '--url', 'http://flag-host:7000/']);
    await withEnv.run(['--url', 'http://flag-host:7001', 'list']);
    await withEnv.run(['list']);
    await withoutEnv.run(['list']);

    expect(withEnv.requests.map((r) => r.origin)).toEqual([
      'http://flag-host:7000',
      'http://flag-host:7001',
      'http://env-host:9000',
    ]);
    expect(withoutEnv.requests.map((r) => r.origin)).toEqual(['http://127.0.0.1:8080']);
  });

  it('an orchestrator that cannot be reached exits 3, naming its URL', async () => {
    const { run } = harness(() => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8080'), {
          code: 'ECONNREFUSED',
        }),
      });
    });

    expect(await run(['show', 's-1'])).toEqual({
      code: 3,
      stdout: '',
      stderr:
        'error: cannot reach the orchestrator at http://127.0.0.1:8080: connect ECONNREFUSED 127.0.0.1:8080\n',
    });
  });

  it('--timeout bounds the wait for an answer: exit 3', async () => {
    const { run } = harness(() => new Promise<Response>(() => undefined));

    const { code, stderr } = await run(['list', '--timeout', '50ms']);

    expect(code).toBe(3);
    expect(stderr).toBe(
      'error: the orchestrator at http://127.0.0.1:8080 did not answer within 50 ms\n',
    );
  });

  it('help exits 0; no command or an unknown one exits 2', async () => {
    const { run } = harness(() => json(200, {}));

    const help = await run(['--help']);
    const none = await run([]);
    const unknown = await run(['frobnicate']);

    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes:');
    expect(none.code).toBe(2);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
  });
});
