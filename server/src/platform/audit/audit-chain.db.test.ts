import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signInAs, type TestApp } from '../../../test/build-test-app.js';
import { makeOrganization, makeStaffMember, patientFields, TEST_PASSWORD } from '../../../test/factories.js';
import { openTestDatabase, testEngine } from '../../../test/test-database.js';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Database } from '../db/schema.js';
import { recordAudit, type AuditContext } from './record-audit.js';
import { sealAuditChain } from './seal-audit-chain.js';
import { verifyAuditChain } from './verify-audit-chain.js';

const repositoryRoot = path.resolve(import.meta.dirname, '../../../..');

let t: TestApp;
let organizationId: string;

beforeAll(async () => {
  t = await buildTestApp();
  ({ organizationId } = await makeOrganization(t.db));
});
afterAll(() => t.close());

function systemContext(organization: string | null): AuditContext {
  return { actor: null, organizationId: organization, clientAddress: '10.0.0.9', requestId: `req-${randomUUID()}` };
}

async function sealEverything(db: Kysely<Database>): Promise<number> {
  let total = 0;
  for (let batch = await sealAuditChain(db, 17); batch > 0; batch = await sealAuditChain(db, 17)) total += batch;
  return total;
}

/** Runs `change` with the append-only trigger off, as someone with direct database access could. */
async function tamper(db: Kysely<Database>, change: (db: Kysely<Database>) => Promise<unknown>): Promise<void> {
  await sql`alter table audit_events disable trigger audit_events_append_only`.execute(db);
  try {
    await change(db);
  } finally {
    await sql`alter table audit_events enable trigger audit_events_append_only`.execute(db);
  }
}

/** Sealed entries in chain order. */
const sealedEntries = (db: Kysely<Database>) =>
  db.selectFrom('auditEvents').select(['id', 'chainPosition', 'reason']).where('chainPosition', 'is not', null).orderBy('chainPosition').execute();

describe('the audit chain', () => {
  // The tests below run in order on one database: each tamper test restores what it broke.
  it('seals entries written concurrently, in separate transactions and through requests, and verifies clean', async () => {
    const before = await t.db.selectFrom('auditEvents').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
    const clerk = await makeStaffMember(t.db, organizationId, ['front-desk']);
    const client = await signInAs(t.app, clerk.username, TEST_PASSWORD);

    const reasons = Array.from({ length: 50 }, (_, index) => `concurrent entry ${index}`);
    let sealing = true;
    const sealedMeanwhile = (async () => {
      let sealed = 0;
      while (sealing) {
        sealed += await sealAuditChain(t.db, 7);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      return sealed;
    })();
    const [registrations] = await Promise.all([
      Promise.all(
        Array.from({ length: 10 }, () =>
          client.request({ method: 'POST', url: '/api/patients', payload: { ...patientFields(), duplicatesReviewed: true } }),
        ),
      ),
      Promise.all(
        reasons.map((reason) =>
          t.db.transaction().execute((trx) => recordAudit(trx, systemContext(organizationId), { action: 'read', recordType: 'Report', reason })),
        ),
      ),
    ]);
    sealing = false;
    await sealedMeanwhile;
    expect(registrations.map((response) => response.statusCode)).toEqual(Array(10).fill(201));
    const patientIds = registrations.map((response) => (response.json() as { patient: { id: string } }).patient.id);

    await sealEverything(t.db);
    const all = await t.db.selectFrom('auditEvents').select(['id', 'chainPosition', 'reason', 'patientId', 'action']).orderBy('id').execute();
    expect(all.length).toBeGreaterThanOrEqual(Number(before.count) + 50 + 10 + 1);
    expect(all.filter((row) => row.chainPosition === null)).toEqual([]);
    expect(all.filter((row) => reasons.includes(row.reason ?? '')).map((row) => row.reason).sort()).toEqual([...reasons].sort());
    for (const patientId of patientIds) {
      expect(all.some((row) => row.patientId === patientId && row.action === 'create')).toBe(true);
    }
    const positions = all.map((row) => Number(row.chainPosition)).sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: all.length }, (_, index) => index + 1));

    const verification = await verifyAuditChain(t.db, 13);
    expect(verification).toEqual({ ok: true, sealedEntries: all.length, unsealedEntries: 0, firstBroken: null });

    const overHttp = await (await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['manager'])).username, TEST_PASSWORD)).request({
      method: 'GET',
      url: '/api/audit/verification',
    });
    expect(overHttp.statusCode).toBe(200);
    expect(overHttp.json()).toMatchObject({ ok: true, firstBroken: null });
  });

  it('reports a changed reason as the first broken entry, naming that entry', async () => {
    const chain = await sealedEntries(t.db);
    const victim = chain[Math.floor(chain.length / 2)]!;
    const original = victim.reason;
    await tamper(t.db, (db) => db.updateTable('auditEvents').set({ reason: 'nothing to see here' }).where('id', '=', victim.id).execute());
    const verification = await verifyAuditChain(t.db, 13);
    expect(verification.ok).toBe(false);
    expect(verification.firstBroken).toEqual({
      id: Number(victim.id),
      chainPosition: Number(victim.chainPosition),
      problem: 'its content was changed after it was written',
    });
    expect(verification.sealedEntries).toBe(Number(victim.chainPosition) - 1);

    await tamper(t.db, (db) => db.updateTable('auditEvents').set({ reason: original }).where('id', '=', victim.id).execute());
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('reports a changed actor name, even when it is a column the trigger does not guard', async () => {
    const chain = await sealedEntries(t.db);
    const victim = chain[3]!;
    const [row] = await t.db.selectFrom('auditEvents').select('actorName').where('id', '=', victim.id).execute();
    await tamper(t.db, (db) => db.updateTable('auditEvents').set({ actorName: 'Someone Else' }).where('id', '=', victim.id).execute());
    const verification = await verifyAuditChain(t.db);
    expect(verification.firstBroken).toMatchObject({ id: Number(victim.id), chainPosition: Number(victim.chainPosition) });
    await tamper(t.db, (db) => db.updateTable('auditEvents').set({ actorName: row!.actorName }).where('id', '=', victim.id).execute());
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('reports a content change whose content hash was recomputed, because the link no longer matches', async () => {
    const chain = await sealedEntries(t.db);
    const victim = chain[5]!;
    const [row] = await t.db.selectFrom('auditEvents').select(['contentHash']).where('id', '=', victim.id).execute();
    await tamper(t.db, (db) => db.updateTable('auditEvents').set({ contentHash: 'f'.repeat(64) }).where('id', '=', victim.id).execute());
    const verification = await verifyAuditChain(t.db);
    expect(verification.firstBroken?.id).toBe(Number(victim.id));
    await tamper(t.db, (db) => db.updateTable('auditEvents').set({ contentHash: row!.contentHash }).where('id', '=', victim.id).execute());
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('reports an entry deleted from the middle of the chain at the entry that follows the gap', async () => {
    const chain = await sealedEntries(t.db);
    const index = Math.floor(chain.length / 3);
    const deleted = chain[index]!;
    const following = chain[index + 1]!;
    await tamper(t.db, (db) => db.deleteFrom('auditEvents').where('id', '=', deleted.id).execute());
    const verification = await verifyAuditChain(t.db, 13);
    expect(verification.ok).toBe(false);
    expect(verification.firstBroken).toEqual({
      id: Number(following.id),
      chainPosition: Number(following.chainPosition),
      problem: `chain position ${Number(deleted.chainPosition)} is missing`,
    });
  });

  it('reports entries removed from the end of the chain', async () => {
    const handle = await openTestDatabase();
    try {
      await recordAudit(handle.db, systemContext(null), [{ action: 'read' }, { action: 'read' }, { action: 'search' }]);
      await sealEverything(handle.db);
      expect((await verifyAuditChain(handle.db)).ok).toBe(true);
      const last = await handle.db.selectFrom('auditEvents').select(['id', 'chainPosition']).orderBy('chainPosition', 'desc').executeTakeFirstOrThrow();
      await tamper(handle.db, (db) => db.deleteFrom('auditEvents').where('id', '=', last.id).execute());
      const verification = await verifyAuditChain(handle.db);
      expect(verification.ok).toBe(false);
      expect(verification.firstBroken).toMatchObject({ chainPosition: Number(last.chainPosition), problem: 'entries at the end of the chain were removed' });
    } finally {
      await handle.close();
    }
  });
});

describe('the append-only trigger', () => {
  let entryId: number;
  beforeAll(async () => {
    const reason = `trigger probe ${randomUUID()}`;
    await recordAudit(t.db, systemContext(organizationId), { action: 'read', reason });
    const row = await t.db.selectFrom('auditEvents').select('id').where('reason', '=', reason).executeTakeFirstOrThrow();
    entryId = Number(row.id);
  });

  it('refuses to change the content of an unsealed entry', async () => {
    await expect(t.db.updateTable('auditEvents').set({ reason: 'rewritten' }).where('id', '=', entryId).execute()).rejects.toThrow(/append-only/);
  });

  it('refuses to delete an entry', async () => {
    await expect(t.db.deleteFrom('auditEvents').where('id', '=', entryId).execute()).rejects.toThrow(/append-only/);
    expect(await t.db.selectFrom('auditEvents').select('id').where('id', '=', entryId).execute()).toHaveLength(1);
  });

  it('refuses to change the chain columns of an entry once it is sealed', async () => {
    await sealEverything(t.db);
    const sealed = await t.db.selectFrom('auditEvents').select(['chainPosition']).where('id', '=', entryId).executeTakeFirstOrThrow();
    expect(sealed.chainPosition).not.toBeNull();
    await expect(t.db.updateTable('auditEvents').set({ entryHash: '0'.repeat(64) }).where('id', '=', entryId).execute()).rejects.toThrow(/append-only/);
    await expect(t.db.updateTable('auditEvents').set({ actorName: 'Someone Else' }).where('id', '=', entryId).execute()).rejects.toThrow(/append-only/);
  });
});

interface CliRun {
  code: number | null;
  output: string;
}

function runAuditVerify(environment: Record<string, string>, argv: string[] = []): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...environment };
  if (!environment.DATABASE_URL) delete env.DATABASE_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts', ...argv], { cwd: repositoryRoot, env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/**
 * A database the script can open from the environment: on PostgreSQL this file's own test
 * database (left open), on PGlite a folder that must be closed while the script runs.
 */
interface CliDatabase {
  environment: Record<string, string>;
  open(): Promise<Kysely<Database>>;
  /** Lets the script in (PGlite allows one process per folder). */
  release(): Promise<void>;
  dispose(): Promise<void>;
}

async function cliDatabase(): Promise<CliDatabase> {
  if (testEngine === 'postgres') {
    const handle = await openTestDatabase();
    return {
      environment: { DATABASE_URL: handle.url! },
      open: async () => handle.db,
      release: async () => {},
      dispose: () => handle.close(),
    };
  }
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'medassist-audit-cli-'));
  const dataDir = path.join(folder, 'data');
  let handle: DatabaseHandle | undefined = await openDatabase({ dataDir });
  await migrateToLatest(handle.db);
  return {
    environment: { DATA_DIR: dataDir },
    open: async () => {
      handle ??= await openDatabase({ dataDir });
      return handle.db;
    },
    release: async () => {
      await handle?.close();
      handle = undefined;
    },
    dispose: async () => {
      await handle?.close();
      fs.rmSync(folder, { recursive: true, force: true });
    },
  };
}

describe('npm run audit:verify', () => {
  let target: CliDatabase;
  beforeAll(async () => {
    target = await cliDatabase();
  }, 60_000);
  afterAll(() => target.dispose());

  it('seals committed entries, reports the count checked and exits 0 on a clean chain; exits 1 naming the entry after tampering', async () => {
    const db = await target.open();
    await recordAudit(db, systemContext(null), Array.from({ length: 12 }, (_, index) => ({ action: 'read' as const, reason: `cli entry ${index}` })));
    await sealAuditChain(db, 5);
    await recordAudit(db, systemContext(null), [{ action: 'search', reason: 'cli late entry' }]);

    if (testEngine === 'pglite') {
      const inUse = await runAuditVerify(target.environment);
      expect(inUse.code).toBe(2);
      expect(inUse.output).toContain(`in use by another Medassist process (pid ${process.pid})`);
      expect(inUse.output).toContain('/api/audit/verification');
    }
    await target.release();

    const readOnly = await runAuditVerify(target.environment, ['--no-seal']);
    expect(readOnly.output).toContain('OK: 5 sealed entries checked');
    expect(readOnly.output).toContain('8 entries are not sealed yet');
    expect(readOnly.code).toBe(0);

    const clean = await runAuditVerify(target.environment);
    expect(clean.output).toContain('Sealed 8 committed entries');
    expect(clean.output).toContain('OK: 13 sealed entries checked');
    expect(clean.code).toBe(0);

    const reopened = await target.open();
    const victim = await reopened.selectFrom('auditEvents').select(['id', 'chainPosition']).where('reason', '=', 'cli entry 7').executeTakeFirstOrThrow();
    expect(victim.chainPosition).not.toBeNull();
    await tamper(reopened, (db) => db.updateTable('auditEvents').set({ reason: 'cli entry 7 (edited)' }).where('id', '=', victim.id).execute());
    await target.release();

    const broken = await runAuditVerify(target.environment);
    expect(broken.code).toBe(1);
    expect(broken.output).toContain('BROKEN');
    expect(broken.output).toMatch(new RegExp(`First broken entry: id ${victim.id}\\b`));
    expect(broken.output).toMatch(new RegExp(`Chain position: +${victim.chainPosition}\\b`));
    expect(broken.output).toContain('its content was changed after it was written');
  }, 120_000);

  it('exits 2 when there is no database where the environment points', async () => {
    const missing: Record<string, string> = testEngine === 'postgres'
      ? { DATABASE_URL: 'postgres://medassist:medassist@127.0.0.1:5432/medassist_no_such_database' }
      : { DATA_DIR: path.join(os.tmpdir(), `medassist-missing-${randomUUID()}`) };
    const run = await runAuditVerify(missing);
    expect(run.code).toBe(2);
    expect(run.output).toMatch(/No Medassist database|Could not open|Could not read/);
  }, 30_000);
});
