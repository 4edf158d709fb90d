import type { TRuntime } from '../../runtime';
import type { TApp } from '../server';

export function registerMetricsRoute(app: TApp, runtime: TRuntime) {
  app.get(
    '/metrics',
    { schema: { tags: ['operations'], summary: 'Prometheus metrics (text exposition format)' } },
    async (_request, reply) => {
      const body = await runtime.metrics.registry.metrics();
      return reply.type(runtime.metrics.registry.contentType).send(body);
    },
  );
}
