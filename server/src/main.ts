import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { openDatabase } from './platform/db/database.js';
import { DataDirInUseError } from './platform/db/data-dir-lock.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, demoStaff, seedDemoClinic } from './demo/seed-demo-clinic.js';

const config = loadConfig();
let database;
try {
  database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
} catch (error) {
  if (error instanceof DataDirInUseError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
await migrateToLatest(database.db);
if (config.seedDemo) {
  const seeded = await seedDemoClinic(database.db, { patients: config.demoPatients });
  if (seeded.created) console.log(`Created the demo clinic with ${config.demoPatients} patients.`);
}
const app = await buildApp({ config, database });
// Fastify's own listen log would print the URL first; ours is the line people and scripts look for.
const address = await app.listen({ host: config.host, port: config.port, listenTextResolver: () => 'HTTP server ready' });
const url = address.replace('[::1]', 'localhost');
console.log(`Medassist listening at ${url}`);
console.log(`Database: ${database.engine === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)'}`);
if (config.seedDemo) {
  console.log(`Demo sign-ins (password for all: ${DEMO_PASSWORD}):`);
  for (const member of demoStaff) console.log(`  ${member.roles.join(', ').padEnd(18)} ${member.username}`);
  console.log(`Demo integration client: client_id ${DEMO_CLIENT_ID}, client_secret ${DEMO_CLIENT_SECRET}`);
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  await app.close();
  await database!.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
