import type { FastifyInstance } from 'fastify';

/** The exam room's HTTP surface: encounters and rooming, vitals, histories, screenings, after-visit instructions. */
export async function examRoomRoutes(app: FastifyInstance): Promise<void> {
  // each sub-area registers its routes here (one line each)
  void app;
}
