import { ZQueueState } from '@sge/shared';
import { z } from 'zod';
import { listQueues, setQueuePaused } from '../../../domain/queues/set-queue-paused';
import { QUEUE_NAMES } from '../../../queue/job-queue';
import type { TRuntime } from '../../../runtime';
import { actorOf, authGuards } from '../../plugins/auth';
import type { TApp } from '../../server';

const security = [{ adminKey: [] }];

/** The job queues (platform-wide, admins only): list with depth, pause, resume. */
export function registerAdminQueueRoutes(app: TApp, runtime: TRuntime) {
  const guards = authGuards(runtime);
  app.get(
    '/api/admin/queues',
    {
      onRequest: guards.globalAdmin,
      schema: {
        tags: ['admin'],
        summary: 'Every job queue with its depth (jobs waiting) and whether it is paused',
        security,
        response: { 200: z.object({ items: z.array(ZQueueState) }) },
      },
    },
    async () => ({ items: await listQueues(runtime.queue, QUEUE_NAMES) }),
  );

  for (const verb of ['pause', 'resume'] as const) {
    app.post(
      `/api/admin/queues/:name/${verb}`,
      {
        onRequest: guards.globalAdmin,
        schema: {
          tags: ['admin'],
          summary:
            verb === 'pause'
              ? 'Pause a job queue for every worker: jobs wait until it is resumed (audited)'
              : 'Resume a paused job queue (audited)',
          security,
          params: z.object({ name: z.string().max(64) }),
          response: { 200: ZQueueState },
        },
      },
      async (request) =>
        await setQueuePaused(
          { db: runtime.database.db, queue: runtime.queue, names: QUEUE_NAMES },
          actorOf(request),
          { name: request.params.name, paused: verb === 'pause' },
        ),
    );
  }
}
