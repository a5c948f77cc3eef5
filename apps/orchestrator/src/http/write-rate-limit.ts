import rateLimit from '@fastify/rate-limit';
import { type FastifyInstance, type FastifyRequest } from 'fastify';

import { type Authentication, isWriteMethod } from './authentication';
import { RateLimitedError } from './errors';

/** The window the write limit counts in. */
const WINDOW_MS = 60_000;

/**
 * Limits the writes (`POST`, …) each token sends to `limitPerMinute` per minute, counted
 * by token name on this instance (`@fastify/rate-limit`, in memory: instances count apart).
 * Past the limit a write is answered 429 `RATE_LIMITED` with `Retry-After`; a write within
 * it carries `x-ratelimit-limit`, `-remaining` and `-reset`. Reads are never limited. 0
 * registers nothing.
 *
 * Register it before the routes, after {@link registerAuthentication}: its check runs in
 * each route's own `onRequest` hooks, after the API's (authentication included).
 *
 * @example
 * ```ts
 * registerWriteRateLimit(app, 120, auth);
 * void app.register((routes, _options, done) => { registerSagaRoutes(routes, context); done(); });
 * ```
 */
export function registerWriteRateLimit(
  app: FastifyInstance,
  limitPerMinute: number,
  auth: Authentication,
): void {
  if (limitPerMinute === 0) return;
  const keyOf = (request: FastifyRequest): string => auth.callerOf(request)?.name ?? 'anonymous';
  void app.register(rateLimit, {
    global: true,
    max: limitPerMinute,
    timeWindow: WINDOW_MS,
    hook: 'onRequest',
    keyGenerator: keyOf,
    allowList: (request) => !isWriteMethod(request.method),
    errorResponseBuilder: (request, context) =>
      new RateLimitedError(keyOf(request), context.max, Math.max(1, Math.ceil(context.ttl / 1000))),
  });
}
