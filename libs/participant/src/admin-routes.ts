import { type IncomingMessage, type ServerResponse } from 'node:http';

import {
  describeError,
  errorMessage,
  formatIssues,
  type Logger,
  type RequestPart,
  RequestValidationError,
  SagaflowError,
} from '@sagaflow/core';
import { z } from 'zod';

import { RequestBodyError } from './errors';
import { type ParticipantAdmin } from './participant-admin';

/** Largest admin request body read, in bytes: bodies are `{ actor, force? }`. */
const MAX_BODY_BYTES = 65_536;

/**
 * Status of each error code answered with something other than 500 (503 for retryable
 * errors): the orchestrator's API answers the same codes with the same statuses.
 */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  REQUEST_INVALID: 400,
  ARGUMENT_INVALID: 400,
  DEAD_LETTER_NOT_FOUND: 404,
  FAILED_RECORD_NOT_FOUND: 404,
  DEAD_LETTER_ALREADY_REPLAYED: 409,
  DEAD_LETTER_NOT_REPLAYABLE: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
};

// The same request shapes as the orchestrator's routes.
const limitSchema = z.coerce.number().int().min(1).max(500).default(50);
const actorSchema = z.string().trim().min(1).max(128);
const deadLetterIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1 to 64 characters of [A-Za-z0-9._-]');

const deadLetterQuerySchema = z.strictObject({
  limit: limitSchema,
  beforeId: deadLetterIdSchema.optional(),
  reasonCode: z.string().min(1).max(64).optional(),
  replayed: z.enum(['true', 'false']).optional(),
});
const deadLetterParamsSchema = z.strictObject({ id: deadLetterIdSchema });
const replayBodySchema = z.strictObject({
  actor: actorSchema,
  /** Replay one that was replayed before. */
  force: z.boolean().default(false),
});
const failedQuerySchema = z.strictObject({
  limit: limitSchema,
  cursor: z.string().min(1).max(512).optional(),
});
const recordParamsSchema = z.strictObject({
  consumer: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,128}$/, 'must be 1 to 128 characters of [A-Za-z0-9._-]'),
  messageId: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,255}$/, 'must be 1 to 255 characters of [A-Za-z0-9._-]'),
});
const retryBodySchema = z.strictObject({ actor: actorSchema });

/** A parsed request, as the route handlers read it. */
interface AdminRequest {
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /** Reads and parses the JSON body (once). */
  readonly body: () => Promise<unknown>;
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

interface Route {
  readonly method: 'GET' | 'POST';
  /** Path segments; `:name` matches any one segment. */
  readonly path: readonly string[];
  readonly handle: (admin: ParticipantAdmin, request: AdminRequest) => Promise<Answer>;
}

const ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: ['dead-letters'],
    async handle(admin, request) {
      const query = parse(deadLetterQuerySchema, request.query, 'query');
      const page = await admin.listDeadLetters({
        limit: query.limit,
        ...(query.beforeId === undefined ? {} : { beforeId: query.beforeId }),
        ...(query.reasonCode === undefined ? {} : { reasonCode: query.reasonCode }),
        ...(query.replayed === undefined ? {} : { replayed: query.replayed === 'true' }),
      });
      return { status: 200, body: page };
    },
  },
  {
    method: 'GET',
    path: ['dead-letters', ':id'],
    async handle(admin, request) {
      const { id } = parse(deadLetterParamsSchema, request.params, 'params');
      return { status: 200, body: await admin.getDeadLetter(id) };
    },
  },
  {
    method: 'POST',
    path: ['dead-letters', ':id', 'replay'],
    async handle(admin, request) {
      const { id } = parse(deadLetterParamsSchema, request.params, 'params');
      const body = parse(replayBodySchema, await request.body(), 'body');
      return { status: 200, body: await admin.replayDeadLetter(id, body) };
    },
  },
  {
    method: 'GET',
    path: ['event-process', 'failed'],
    async handle(admin, request) {
      const { limit, cursor } = parse(failedQuerySchema, request.query, 'query');
      const page = await admin.listFailed({ limit, ...(cursor === undefined ? {} : { cursor }) });
      return { status: 200, body: page };
    },
  },
  {
    method: 'POST',
    path: ['event-process', 'failed', ':consumer', ':messageId', 'retry'],
    async handle(admin, request) {
      const { consumer, messageId } = parse(recordParamsSchema, request.params, 'params');
      const body = parse(retryBodySchema, await request.body(), 'body');
      return { status: 202, body: await admin.retryFailed(consumer, messageId, body) };
    },
  },
];

/**
 * Answers one request if its path is an admin route (resolves true), else leaves the
 * response alone (resolves false). A known path asked with another method is answered
 * 405. Errors are answered `{ error: { code, message, details? } }`: the code's status,
 * 503 for a retryable error, else 500 without internals (logged at error level).
 */
export async function serveAdminRequest(
  admin: ParticipantAdmin,
  logger: Logger,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<boolean> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  const matches = ROUTES.filter((route) => paramsOf(route, segments) !== null);
  if (matches.length === 0) return false;
  const method = request.method ?? 'GET';
  const route = matches.find((candidate) => candidate.method === method);
  const log = logger.child({ component: 'admin', method, path: url.pathname });
  let answer: Answer;
  if (route === undefined) {
    const allowed = matches.map((candidate) => candidate.method).join(', ');
    response.setHeader('allow', allowed);
    answer = errorAnswer(405, 'METHOD_NOT_ALLOWED', `${url.pathname} answers ${allowed}`);
  } else {
    try {
      answer = await route.handle(admin, {
        params: paramsOf(route, segments) ?? {},
        query: Object.fromEntries(url.searchParams),
        body: () => readBody(request),
      });
    } catch (error: unknown) {
      answer = toErrorAnswer(error);
      if (answer.status >= 500) {
        log.error('admin request failed', { status: answer.status, error: describeError(error) });
      } else {
        log.info('admin request refused', { status: answer.status, error: describeError(error) });
      }
    }
  }
  send(response, answer);
  return true;
}

/** The route's parameters when the path matches it, else null. */
function paramsOf(route: Route, segments: readonly string[]): Record<string, string> | null {
  if (route.path.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of route.path.entries()) {
    const segment = segments[i] ?? '';
    if (part.startsWith(':')) {
      params[part.slice(1)] = decodeSegment(segment);
    } else if (part !== segment) {
      return null;
    }
  }
  return params;
}

/** A path segment decoded; kept as it is when it is not valid percent-encoding (then the params schema refuses it). */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown, part: RequestPart): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new RequestValidationError(part, formatIssues(result.error.issues, part));
}

/**
 * The request's JSON body: `request.body` when a framework parsed it already, else read
 * from the stream (empty is `{}`, so a missing body reports the missing fields).
 */
async function readBody(request: IncomingMessage): Promise<unknown> {
  if ('body' in request && request.body !== undefined) return request.body;
  const type = request.headers['content-type'];
  if (type !== undefined && !/^application\/json\b/i.test(type)) {
    throw new RequestBodyError(
      'UNSUPPORTED_MEDIA_TYPE',
      `content-type must be application/json, not ${type}`,
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      throw new RequestBodyError(
        'PAYLOAD_TOO_LARGE',
        `the body is larger than ${MAX_BODY_BYTES} bytes`,
      );
    }
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error: unknown) {
    throw new RequestValidationError('body', [`body: not JSON (${errorMessage(error)})`]);
  }
}

function toErrorAnswer(error: unknown): Answer {
  if (error instanceof SagaflowError) {
    const status = STATUS_BY_CODE[error.code] ?? (error.retryable ? 503 : undefined);
    if (status !== undefined) {
      return errorAnswer(
        status,
        error.code,
        error.message,
        error instanceof RequestValidationError ? { issues: error.issues } : undefined,
      );
    }
  }
  return errorAnswer(500, 'INTERNAL_ERROR', 'the request failed on the server; see its logs');
}

function errorAnswer(
  status: number,
  code: string,
  message: string,
  details?: Readonly<Record<string, unknown>>,
): Answer {
  return {
    status,
    body: { error: details === undefined ? { code, message } : { code, message, details } },
  };
}

function send(response: ServerResponse, answer: Answer): void {
  response.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(answer.body));
}
