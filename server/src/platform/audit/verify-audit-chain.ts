import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { chainHash, GENESIS_HASH, hashAuditContent } from './audit-hash.js';

export interface ChainVerification {
  ok: boolean;
  sealedEntries: number;
  unsealedEntries: number;
  /** The first entry whose content or link does not match, if any. */
  firstBroken: { id: number; chainPosition: number; problem: string } | null;
}

/**
 * Walks the whole chain in order, recomputing every content hash and link. The chain head is read
 * first and the walk stops at its position, so a sealer running meanwhile (another server process)
 * cannot make a sound chain look truncated.
 */
export async function verifyAuditChain(db: Kysely<Database>, pageSize = 5000): Promise<ChainVerification> {
  const head = await db.selectFrom('auditChainHead').select(['lastPosition', 'lastHash']).executeTakeFirstOrThrow();
  const lastPosition = Number(head.lastPosition);
  let previous = GENESIS_HASH;
  let expectedPosition = 1;
  let sealedEntries = 0;
  for (;;) {
    const rows = await db
      .selectFrom('auditEvents')
      .selectAll()
      .where('chainPosition', '>=', expectedPosition)
      .where('chainPosition', '<=', lastPosition)
      .orderBy('chainPosition')
      .limit(pageSize)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const position = Number(row.chainPosition);
      const broken = (problem: string): ChainVerification => ({
        ok: false,
        sealedEntries,
        unsealedEntries: -1,
        firstBroken: { id: Number(row.id), chainPosition: position, problem },
      });
      if (position !== expectedPosition) return broken(`chain position ${expectedPosition} is missing`);
      const contentHash = hashAuditContent({ ...row, occurredAt: new Date(row.occurredAt) });
      if (contentHash !== row.contentHash) return broken('its content was changed after it was written');
      if (row.previousHash !== previous) return broken('it does not link to the entry before it');
      if (chainHash(previous, row.contentHash) !== row.entryHash) return broken('its chain hash does not match');
      previous = row.entryHash!;
      expectedPosition += 1;
      sealedEntries += 1;
    }
  }
  if (lastPosition !== sealedEntries || head.lastHash !== previous) {
    return {
      ok: false,
      sealedEntries,
      unsealedEntries: -1,
      firstBroken: { id: -1, chainPosition: lastPosition, problem: 'entries at the end of the chain were removed' },
    };
  }
  const unsealed = await db
    .selectFrom('auditEvents')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('chainPosition', 'is', null)
    .executeTakeFirstOrThrow();
  return { ok: true, sealedEntries, unsealedEntries: Number(unsealed.count), firstBroken: null };
}
