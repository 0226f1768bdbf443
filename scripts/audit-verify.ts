// `npm run audit:verify [-- --no-seal]`: seals committed entries, then walks the whole audit
// chain and reports. Exit codes: 0 the chain verifies, 1 it is broken, 2 the database could not
// be opened or read.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../server/src/config.js';
import { openDatabase, type DatabaseHandle } from '../server/src/platform/db/database.js';
import { DataDirInUseError } from '../server/src/platform/db/data-dir-lock.js';
import { sealAuditChain } from '../server/src/platform/audit/seal-audit-chain.js';
import { verifyAuditChain } from '../server/src/platform/audit/verify-audit-chain.js';

const EXIT_CLEAN = 0;
const EXIT_BROKEN = 1;
const EXIT_UNAVAILABLE = 2;

const usage = `Usage: npm run audit:verify [-- --no-seal]

Verifies the audit trail's hash chain in the database named by the environment
(DATABASE_URL for PostgreSQL, otherwise the embedded database in DATA_DIR, default ./data).
  --no-seal   do not seal committed unchained entries first (read only)
Exit codes: 0 the chain verifies, 1 it is broken, 2 the database could not be opened.`;

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((argument) => argument !== '--no-seal');
  if (unknown.includes('--help') || unknown.includes('-h')) {
    console.log(usage);
    return EXIT_CLEAN;
  }
  if (unknown.length > 0) {
    console.error(`Unknown argument: ${unknown.join(' ')}\n\n${usage}`);
    return EXIT_UNAVAILABLE;
  }
  const seal = !argv.includes('--no-seal');
  const config = loadConfig();
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;

  if (!config.databaseUrl && !fs.existsSync(path.join(config.dataDir, 'PG_VERSION'))) {
    console.error(`No Medassist database in ${config.dataDir}: set DATA_DIR to the server's folder, or DATABASE_URL for PostgreSQL.`);
    return EXIT_UNAVAILABLE;
  }
  let database: DatabaseHandle;
  try {
    database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  } catch (error) {
    if (error instanceof DataDirInUseError) {
      console.error(error.message);
      console.error(
        "While the server is running, verify the chain from the manager's audit page " +
          '(GET /api/audit/verification), or stop the server and run audit:verify again.',
      );
    } else {
      console.error(`Could not open the database (${where}): ${(error as Error).message}`);
    }
    return EXIT_UNAVAILABLE;
  }

  try {
    console.log(`Audit chain verification: ${where}`);
    if (seal) {
      let sealed = 0;
      for (let batch = await sealAuditChain(database.db); batch > 0; batch = await sealAuditChain(database.db)) sealed += batch;
      console.log(`Sealed ${sealed} committed entr${sealed === 1 ? 'y' : 'ies'} that were not yet on the chain.`);
    }
    const result = await verifyAuditChain(database.db);
    if (result.ok) {
      console.log(`OK: ${result.sealedEntries} sealed entries checked; every content hash and link matches.`);
      if (result.unsealedEntries > 0) console.log(`${result.unsealedEntries} entries are not sealed yet and were not checked.`);
      return EXIT_CLEAN;
    }
    const broken = result.firstBroken!;
    console.log(`BROKEN: ${result.sealedEntries} entries verified before the first break.`);
    console.log(`  First broken entry: id ${broken.id === -1 ? '(none: entries missing at the end)' : broken.id}`);
    console.log(`  Chain position:     ${broken.chainPosition}`);
    console.log(`  Problem:            ${broken.problem}`);
    return EXIT_BROKEN;
  } catch (error) {
    console.error(`Could not read the audit trail (${where}): ${(error as Error).message}`);
    return EXIT_UNAVAILABLE;
  } finally {
    await database.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
