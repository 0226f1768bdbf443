import type { FastifyInstance } from 'fastify';
import { historiesRoutes } from './histories/index.js';
import { encounterRoutes } from './encounters/index.js';
import { screeningRoutes } from './screenings/screenings.routes.js';
import { vitalsRoutes } from './vitals/index.js';

/** The exam room's HTTP surface: encounters and rooming, vitals, histories, screenings, after-visit instructions. */
export async function examRoomRoutes(app: FastifyInstance): Promise<void> {
  // each sub-area registers its routes here (one line each)
  await app.register(encounterRoutes);
  await app.register(screeningRoutes);
  await app.register(historiesRoutes);
  await app.register(vitalsRoutes);
  void app;
}
