import { type RegisterRoutes } from '../route-context';

/**
 * `GET /metrics`: the Prometheus exposition of the metrics registry. Public unless
 * `metricsPublic` is false; then it needs `viewer`.
 */
export const registerMetricsRoutes: RegisterRoutes = (app, { deps, options }) => {
  const access = options.metricsPublic ? 'public' : 'viewer';
  app.get('/metrics', { config: { access } }, async (_request, reply) => {
    const text = await deps.metrics.metrics();
    return reply.type(deps.metrics.contentType).send(text);
  });
};
