import cluster from 'node:cluster';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { openDatabase } from './platform/db/database.js';
import { DataDirInUseError } from './platform/db/data-dir-lock.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, demoStaff, seedDemoClinic } from './demo/seed-demo-clinic.js';

const config = loadConfig();

// WORKERS=N (or --workers N): N server processes sharing the port (Node's cluster module), so both
// cores of a small server do work. PostgreSQL only (PGlite is one process's embedded database).
// The primary migrates and seeds once, then forks; a worker that dies is replaced.
const workersFlag = process.argv.indexOf('--workers');
const workers = Number(workersFlag !== -1 ? process.argv[workersFlag + 1] : process.env.WORKERS ?? 1);
if (!Number.isInteger(workers) || workers < 1) {
  console.error('WORKERS (--workers) must be a whole number of at least 1.');
  process.exit(1);
}
if (workers > 1 && !config.databaseUrl) {
  console.error('WORKERS > 1 needs PostgreSQL (DATABASE_URL): the embedded PGlite database belongs to one process.');
  process.exit(1);
}
if (workers > 1 && cluster.isPrimary) {
  const setup = await openDatabase({ databaseUrl: config.databaseUrl, poolSize: 2 });
  await migrateToLatest(setup.db);
  if (config.seedDemo) {
    const seeded = await seedDemoClinic(setup.db, { patients: config.demoPatients });
    if (seeded.created) console.log(`Created the demo clinic with ${config.demoPatients} patients.`);
  }
  await setup.close();
  let stoppingWorkers = false;
  for (let index = 0; index < workers; index++) cluster.fork({ MEDASSIST_WORKER: String(index + 1) });
  cluster.on('exit', (worker, code, signal) => {
    if (stoppingWorkers) return;
    console.error(`Worker ${worker.process.pid} stopped (${signal ?? code}); starting another.`);
    cluster.fork();
  });
  const stopAll = () => {
    stoppingWorkers = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  process.on('SIGINT', stopAll);
  process.on('SIGTERM', stopAll);
  console.log(`Medassist primary ${process.pid}: ${workers} workers share port ${config.port}.`);
} else {
  await serve();
}

async function serve(): Promise<void> {
  const isWorker = cluster.isWorker;
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
  if (!isWorker) await migrateToLatest(database.db);
  if (config.seedDemo && !isWorker) {
    const seeded = await seedDemoClinic(database.db, { patients: config.demoPatients });
    if (seeded.created) console.log(`Created the demo clinic with ${config.demoPatients} patients.`);
  }
  const app = await buildApp({ config, database });
  // Fastify's own listen log would print the URL first; ours is the line people and scripts look for.
  const address = await app.listen({ host: config.host, port: config.port, listenTextResolver: () => 'HTTP server ready' });
  const url = address.replace('[::1]', 'localhost');
  if (isWorker && process.env.MEDASSIST_WORKER !== '1') return void installShutdown(app, database);
  console.log(`Medassist listening at ${url}${isWorker ? ` (${workers} workers)` : ''}`);
  console.log(`Database: ${database.engine === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)'}`);
  if (config.seedDemo) {
    console.log(`Demo sign-ins (password for all: ${DEMO_PASSWORD}):`);
    for (const member of demoStaff) console.log(`  ${member.roles.join(', ').padEnd(18)} ${member.username}`);
    console.log(`Demo integration client: client_id ${DEMO_CLIENT_ID}, client_secret ${DEMO_CLIENT_SECRET}`);
  }

  installShutdown(app, database);
}

function installShutdown(app: Awaited<ReturnType<typeof buildApp>>, database: { close(): Promise<void> }): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
