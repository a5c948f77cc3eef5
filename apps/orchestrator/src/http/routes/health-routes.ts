import { type RouteShorthandOptions } from 'fastify';

import { requestLogger } from '../request-logging';
import { runHealthChecks } from '../run-health-checks';
import { type RegisterRoutes } from '../route-context';

/**
 * `GET /health` (liveness: 200 while the process serves) and `GET /ready` (readiness: runs
 * every health check in parallel with a short timeout; 200 `{ status: 'ready', checks }`,
 * or 503 `{ status: 'not-ready', checks }` naming which failed and why). Both public: no
 * token.
 */
export const registerHealthRoutes: RegisterRoutes = (app, { deps, options }) => {
  const health: RouteShorthandOptions = {
    config: {
      access: 'public',
      docs: {
        operationId: 'getHealth',
        summary: 'Liveness: 200 while the process serves',
        tags: ['probes'],
        responses: { 200: "`{ status: 'ok' }`" },
      },
    },
  };
  app.get('/health', health, () => ({ status: 'ok' }));

  const ready: RouteShorthandOptions = {
    config: {
      access: 'public',
      docs: {
        operationId: 'getReady',
        summary: 'Readiness: every health check, run in parallel with a timeout',
        tags: ['probes'],
        responses: {
          200: "`{ status: 'ready', checks: [{ name, status, durationMs, error?, state? }] }`",
          503: {
            description: "`{ status: 'not-ready', checks }`: the checks that failed say why",
            error: false,
          },
        },
      },
    },
  };
  app.get('/ready', ready, async (request, reply) => {
    const report = await runHealthChecks(deps.healthChecks, options.readyCheckTimeoutMs);
    const down = report.checks.filter((check) => check.status === 'down');
    if (down.length > 0) {
      requestLogger(deps.logger, request).warn('not ready', {
        failed: down.map(({ name, error }) => ({ name, error })),
      });
    }
    return reply.code(report.status === 'ready' ? 200 : 503).send(report);
  });
};
