import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { chainHash } from './audit-hash.js';
import { startRepeatingRounds } from '../workers/repeating-rounds.js';

const SEAL_BATCH = 2000;

/**
 * Links committed, unchained audit entries onto the chain in id order, one batch per
 * transaction. The chain head row is locked with SKIP LOCKED, so with several server processes
 * exactly one seals at a time and the others skip. Returns how many entries were sealed.
 */
export async function sealAuditChain(db: Kysely<Database>, batchSize = SEAL_BATCH): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const head = await trx
      .selectFrom('auditChainHead')
      .select(['lastPosition', 'lastHash'])
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!head) return 0;
    const pending = await trx
      .selectFrom('auditEvents')
      .select(['id', 'contentHash'])
      .where('chainPosition', 'is', null)
      .orderBy('id')
      .limit(batchSize)
      .execute();
    if (pending.length === 0) return 0;
    let position = Number(head.lastPosition);
    let previous = head.lastHash;
    const links = pending.map((row) => {
      position += 1;
      const entryHash = chainHash(previous, row.contentHash);
      const link = { id: Number(row.id), position, previousHash: previous, entryHash };
      previous = entryHash;
      return link;
    });
    const values = sql.join(
      links.map((link) => sql`(${link.id}::bigint, ${link.position}::bigint, ${link.previousHash}, ${link.entryHash})`),
    );
    await sql`
      update audit_events as a
         set chain_position = v.position, previous_hash = v.previous_hash, entry_hash = v.entry_hash
        from (values ${values}) as v(id, position, previous_hash, entry_hash)
       where a.id = v.id`.execute(trx);
    await trx.updateTable('auditChainHead').set({ lastPosition: position, lastHash: previous }).execute();
    return links.length;
  });
}

/** Runs the sealer every `intervalMs` until stopped; a failed round is retried on the next tick. */
export function startAuditSealer(db: Kysely<Database>, intervalMs: number, onError: (error: unknown) => void): () => Promise<void> {
  return startRepeatingRounds(() => sealAuditChain(db), { intervalMs, batchSize: SEAL_BATCH }, onError);
}
