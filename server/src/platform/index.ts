import type { FastifyInstance } from 'fastify';
import { auditRoutes } from './audit/audit.routes.js';
import { oauthRoutes } from './auth/oauth.routes.js';
import { sessionRoutes } from './auth/session.routes.js';
import { organizationRoutes } from './organizations/organization.routes.js';

/** The platform's HTTP surface: sessions, OAuth tokens, organization and staff, audit. */
export async function platformRoutes(app: FastifyInstance): Promise<void> {
  await app.register(sessionRoutes);
  await app.register(oauthRoutes);
  await app.register(organizationRoutes);
  await app.register(auditRoutes);
}

export { AppError } from './http/app-error.js';
export { recordAudit } from './audit/record-audit.js';
export { publishLiveEvent, type LiveEventInput } from './events/publish-live-event.js';
export { createTask, type CreateTaskInput } from './tasks/create-task.js';
