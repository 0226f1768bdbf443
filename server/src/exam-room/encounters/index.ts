// The encounters sub-area's public surface: its routes, and what the flow and seeds call.
export { encounterRoutes } from './encounters.routes.js';
export { openEncounterForVisit, type VisitForEncounter, type EncounterContext } from './open-encounter.js';
export { ensureDefaultRoomingChecklists } from './rooming-checklists.js';
