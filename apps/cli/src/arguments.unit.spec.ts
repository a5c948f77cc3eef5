import {
  deadLetterListQuery,
  parseBaseUrl,
  parseDuration,
  parseInput,
  parseInstant,
  parseInteger,
  parseStatuses,
  sagaListQuery,
} from './arguments';
import { UsageError } from './errors';

const now = new Date('2024-05-01T12:00:00.000Z');

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    [' 2H ', 7_200_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text, '--stuck-after')).toBe(ms);
  });

  it.each(['10', '10x', 'm', '-5m', '1.5h', '', '0s'])('refuses %p, naming the option', (text) => {
    expect(() => parseDuration(text, '--stuck-after')).toThrow(UsageError);
    expect(() => parseDuration(text, '--stuck-after')).toThrow(/^--stuck-after: /);
  });
});

describe('parseInstant', () => {
  it('counts a duration back from now', () => {
    expect(parseInstant('10m', '--started-after', now)).toBe('2024-05-01T11:50:00.000Z');
    expect(parseInstant('1d', '--started-after', now)).toBe('2024-04-30T12:00:00.000Z');
  });

  it('takes ISO-8601 times with a zone, or dates, as UTC', () => {
    expect(parseInstant('2024-04-01T08:30:00+02:00', '--updated-before', now)).toBe(
      '2024-04-01T06:30:00.000Z',
    );
    expect(parseInstant('2024-04-01T08:30:00.5Z', '--updated-before', now)).toBe(
      '2024-04-01T08:30:00.500Z',
    );
    expect(parseInstant('2024-04-01', '--updated-before', now)).toBe('2024-04-01T00:00:00.000Z');
  });

  it.each(['yesterday', '2024-13-45', '01/05/2024', '1714560000'])('refuses %p', (text) => {
    expect(() => parseInstant(text, '--updated-after', now)).toThrow(
      `--updated-after: '${text}' is neither an ISO-8601 time`,
    );
  });
});

describe('parseInteger', () => {
  it('takes integers in range, refuses the rest', () => {
    expect(parseInteger('42', '--limit', 1, 500)).toBe(42);
    for (const text of ['0', '501', '4.5', 'ten', '']) {
      expect(() => parseInteger(text, '--limit', 1, 500)).toThrow(
        `--limit: '${text}' is not an integer from 1 to 500`,
      );
    }
  });
});

describe('parseStatuses', () => {
  it('takes several values, comma-separated ones, any case, without duplicates', () => {
    expect(parseStatuses(['running,Compensating', 'RUNNING', 'compensation_failed'])).toEqual([
      'RUNNING',
      'COMPENSATING',
      'COMPENSATION_FAILED',
    ]);
  });

  it('refuses an unknown status, listing the known ones', () => {
    expect(() => parseStatuses(['RUNNING,DONE'])).toThrow(
      "--status: 'DONE' is not a status (RUNNING, COMPENSATING, COMPLETED, COMPENSATED, COMPENSATION_FAILED)",
    );
  });
});

describe('sagaListQuery', () => {
  it('maps every option to its query parameter', () => {
    const query = sagaListQuery(
      {
        status: ['RUNNING', 'compensating'],
        type: 'place-order',
        businessKey: 'o-1',
        startedAfter: '2h',
        startedBefore: '2024-05-01T11:00:00Z',
        sort: 'started',
        order: 'asc',
        limit: '100',
        cursor: 'abc',
      },
      now,
    );

    expect(Object.fromEntries(query)).toEqual({
      status: 'RUNNING,COMPENSATING',
      sagaType: 'place-order',
      businessKey: 'o-1',
      startedAfter: '2024-05-01T10:00:00.000Z',
      startedBefore: '2024-05-01T11:00:00.000Z',
      sort: 'started',
      order: 'asc',
      limit: '100',
      cursor: 'abc',
    });
  });

  it('sends stuck=true for --stuck, and --stuck-after as stuckAfterMs with it', () => {
    expect(sagaListQuery({ stuck: true }, now).toString()).toBe('stuck=true');
    expect(sagaListQuery({ stuckAfter: '15m' }, now).toString()).toBe(
      'stuck=true&stuckAfterMs=900000',
    );
  });

  it('sends nothing for options not given, so the API applies its defaults', () => {
    expect(sagaListQuery({}, now).toString()).toBe('');
    expect(sagaListQuery({ status: [], stuck: false }, now).toString()).toBe('');
  });

  it('the updated range takes relative times too', () => {
    expect(
      Object.fromEntries(sagaListQuery({ updatedAfter: '1d', updatedBefore: '30m' }, now)),
    ).toEqual({
      updatedAfter: '2024-04-30T12:00:00.000Z',
      updatedBefore: '2024-05-01T11:30:00.000Z',
    });
  });

  it('refuses a bad value before anything is sent', () => {
    expect(() => sagaListQuery({ limit: '1000' }, now)).toThrow(UsageError);
    expect(() => sagaListQuery({ stuckAfter: 'soon' }, now)).toThrow('--stuck-after');
    expect(() => sagaListQuery({ startedAfter: 'monday' }, now)).toThrow('--started-after');
  });
});

describe('deadLetterListQuery', () => {
  it('maps every option to its query parameter', () => {
    expect(
      Object.fromEntries(
        deadLetterListQuery({
          saga: 's-1',
          reasonCode: 'DECODE_FAILED',
          topic: 'sagaflow.saga.replies',
          replayed: false,
          limit: '20',
          beforeId: '99',
        }),
      ),
    ).toEqual({
      sagaId: 's-1',
      reasonCode: 'DECODE_FAILED',
      topic: 'sagaflow.saga.replies',
      replayed: 'false',
      limit: '20',
      beforeId: '99',
    });
    expect(deadLetterListQuery({ replayed: true }).toString()).toBe('replayed=true');
    expect(deadLetterListQuery({}).toString()).toBe('');
  });
});

describe('parseInput', () => {
  const files: Record<string, string> = { 'order.json': '{ "orderId": "o-1" }', 'bad.json': '{' };
  const readFile = (path: string): Promise<string> =>
    path in files
      ? Promise.resolve(files[path] ?? '')
      : Promise.reject(new Error(`ENOENT: no such file or directory, open '${path}'`));

  it('parses JSON given inline or in a file named with @', async () => {
    await expect(parseInput('{"orderId":"o-2","quantity":3}', readFile)).resolves.toEqual({
      orderId: 'o-2',
      quantity: 3,
    });
    await expect(parseInput('@order.json', readFile)).resolves.toEqual({ orderId: 'o-1' });
  });

  it('says what is wrong with text that is not JSON, or a file that cannot be read', async () => {
    await expect(parseInput('{orderId}', readFile)).rejects.toThrow(/^--input: is not JSON: /);
    await expect(parseInput('@bad.json', readFile)).rejects.toThrow(
      /^--input: 'bad.json' does not hold JSON: /,
    );
    await expect(parseInput('@missing.json', readFile)).rejects.toThrow(
      "--input: cannot read 'missing.json': ENOENT",
    );
  });
});

describe('parseBaseUrl', () => {
  it('takes http and https URLs, without a trailing slash', () => {
    expect(parseBaseUrl('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080');
    expect(parseBaseUrl('https://sagaflow.example.com/api/')).toBe(
      'https://sagaflow.example.com/api',
    );
  });

  it.each(['localhost:8080', 'ftp://host', 'http://host/?a=1', 'not a url'])(
    'refuses %p',
    (text) => {
      expect(() => parseBaseUrl(text)).toThrow(/^--url: /);
    },
  );
});
