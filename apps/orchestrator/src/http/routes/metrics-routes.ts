import { type RouteShorthandOptions } from 'fastify';

import { type RegisterRoutes } from '../route-context';

/**
 * `GET /metrics`: the Prometheus exposition of the metrics registry. Public unless
 * `metricsPublic` is false; then it needs `viewer`.
 */
export const registerMetricsRoutes: RegisterRoutes = (app, { deps, options }) => {
  const metrics: RouteShorthandOptions = {
    config: {
      access: options.metricsPublic ? 'public' : 'viewer',
      docs: {
        operationId: 'getMetrics',
        summary: 'Prometheus metrics, prefixed `sagaflow_`',
        tags: ['probes'],
        responses: {
          200: { description: 'The Prometheus text exposition', contentTypes: ['text/plain'] },
        },
      },
    },
  };
  app.get('/metrics', metrics, async (_request, reply) => {
    const text = await deps.metrics.metrics();
    return reply.type(deps.metrics.contentType).send(text);
  });
};
