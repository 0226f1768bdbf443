import type { FastifyInstance } from 'fastify';
import { auditRoutes } from './audit/audit.routes.js';
import { oauthRoutes } from './auth/oauth.routes.js';
import { sessionRoutes } from './auth/session.routes.js';
import { STAFF_AUTH_CHANNEL } from './auth/staff-session-cache.js';
import { organizationRoutes } from './organizations/organization.routes.js';
import type { DatabaseHandle } from './db/database.js';
import { LiveHub } from './events/live-hub.js';
import { liveRoutes } from './events/live.routes.js';
import { taskRoutes } from './tasks/tasks.routes.js';

/** The platform's HTTP surface: sessions, OAuth tokens, organization and staff, audit, live events. */
export async function platformRoutes(app: FastifyInstance, options: { database: Pick<DatabaseHandle, 'db' | 'listen'> }): Promise<void> {
  const hub = new LiveHub(options.database, (error) =>
    app.log.error({ err: { name: (error as Error).name, code: (error as { code?: string }).code } }, 'live event fan-out failed'),
  );
  await hub.start();
  app.addHook('preClose', async () => hub.close());
  const stopForgetting = await options.database.listen(STAFF_AUTH_CHANNEL, () => app.staffSessions.clear(), () => app.staffSessions.clear());
  app.addHook('onClose', async () => stopForgetting());
  await app.register(sessionRoutes);
  await app.register(oauthRoutes);
  await app.register(organizationRoutes);
  await app.register(auditRoutes);
  await app.register(liveRoutes, { hub });
  await app.register(taskRoutes);
}

export { AppError } from './http/app-error.js';
export { recordAudit } from './audit/record-audit.js';
export { publishLiveEvent, publishLiveEvents, type LiveEventInput } from './events/publish-live-event.js';
export { createTask, type CreateTaskInput } from './tasks/create-task.js';
