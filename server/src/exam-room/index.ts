import type { FastifyInstance } from 'fastify';
import { encounterRoutes } from './encounters/index.js';
import { historiesRoutes } from './histories/index.js';
import { screeningRoutes } from './screenings/screenings.routes.js';
import { afterVisitRoutes } from './after-visit/after-visit.routes.js';
import { vitalsRoutes } from './vitals/index.js';

/** The exam room's HTTP surface: encounters and rooming, vitals, histories, screenings, after-visit instructions. */
export async function examRoomRoutes(app: FastifyInstance): Promise<void> {
  // each sub-area registers its routes here (one line each)
  await app.register(encounterRoutes);
  await app.register(screeningRoutes);
  await app.register(afterVisitRoutes);
  await app.register(vitalsRoutes);
  await app.register(historiesRoutes);
  void app;
}

// For the demo seed and new clinics: the default after-visit instructions (English and Spanish).
export { ensureDefaultAfterVisitTemplates } from './after-visit/after-visit-templates.repository.js';
