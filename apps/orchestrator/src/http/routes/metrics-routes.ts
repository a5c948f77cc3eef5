import { type RegisterRoutes } from '../route-context';

/** `GET /metrics`: the Prometheus exposition of the metrics registry. */
export const registerMetricsRoutes: RegisterRoutes = (app, { deps }) => {
  app.get('/metrics', async (_request, reply) => {
    const text = await deps.metrics.metrics();
    return reply.type(deps.metrics.contentType).send(text);
  });
};
