import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../platform/db/schema.js';
import type { FhirContext } from '../core/resource-definition.js';
import { addResult, emptyResult, importUnit, isRetryable, resourcesIn, splitOutsideParties, type ImportUnit, type UnitResult } from './import-unit.js';

/** Lines of an NDJSON file per unit (one transaction each). */
export const NDJSON_UNIT_LINES = 1000;

/** A file to import: a Bundle (.json) or NDJSON (.ndjson), from disk or already in memory (an upload). */
export interface ImportSource {
  name: string;
  bytes: number;
  read(): AsyncGenerator<ImportUnit & { bytes: number }>;
}

export interface ImportProgress {
  bytesDone: number;
  bytesTotal: number;
  units: number;
  resources: number;
  result: UnitResult;
}

/** The units of one Bundle: the whole Bundle is one unit (a patient's history commits at once). */
function bundleUnits(name: string, text: string): ImportUnit[] {
  let bundle: { resourceType?: unknown; entry?: unknown };
  try {
    bundle = JSON.parse(text) as typeof bundle;
  } catch {
    return [{ label: name, entries: [{ resource: null }] }];
  }
  if (bundle.resourceType !== 'Bundle') return [{ label: name, entries: [{ resource: bundle }] }];
  const entries = Array.isArray(bundle.entry) ? (bundle.entry as Array<{ fullUrl?: string; resource?: unknown }>) : [];
  return [{ label: name, entries: entries.map((entry) => ({ fullUrl: entry?.fullUrl, resource: entry?.resource })) }];
}

async function* ndjsonUnits(name: string, lines: AsyncIterable<string> | Iterable<string>): AsyncGenerator<ImportUnit & { bytes: number }> {
  let entries: ImportUnit['entries'] = [];
  let bytes = 0;
  let first = 1;
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    bytes += Buffer.byteLength(line) + 1;
    if (line.trim() === '') continue;
    let resource: unknown = null;
    try {
      resource = JSON.parse(line);
    } catch {
      resource = null;
    }
    entries.push({ resource });
    if (entries.length >= NDJSON_UNIT_LINES) {
      yield { label: `${name} lines ${first}-${lineNumber}`, entries, bytes };
      entries = [];
      bytes = 0;
      first = lineNumber + 1;
    }
  }
  if (entries.length > 0 || bytes > 0) yield { label: `${name} lines ${first}-${lineNumber}`, entries, bytes };
}

const isNdjson = (name: string) => /\.(ndjson|jsonl)$/i.test(name);

/** An uploaded file (the admin screen): its text is already in memory. */
export function sourceFromText(name: string, text: string): ImportSource {
  return {
    name,
    bytes: Buffer.byteLength(text),
    async *read() {
      if (isNdjson(name)) {
        yield* ndjsonUnits(name, text.split('\n'));
        return;
      }
      const bytes = Buffer.byteLength(text);
      for (const unit of bundleUnits(name, text)) yield { ...unit, bytes };
    },
  };
}

/** The .json and .ndjson files named (folders are walked), in a stable order. */
export async function sourcesFromPaths(paths: string[]): Promise<ImportSource[]> {
  const files: string[] = [];
  const walk = async (path: string) => {
    const info = await stat(path);
    if (info.isDirectory()) {
      for (const entry of (await readdir(path)).sort()) await walk(join(path, entry));
    } else if (/\.(json|ndjson|jsonl)$/i.test(path)) {
      files.push(path);
    }
  };
  for (const path of paths) await walk(path);
  return Promise.all(files.map(async (path) => {
    const bytes = (await stat(path)).size;
    const name = basename(path);
    return {
      name,
      bytes,
      async *read() {
        if (isNdjson(name)) {
          yield* ndjsonUnits(name, createInterface({ input: createReadStream(path), crlfDelay: Infinity }));
          return;
        }
        for (const unit of bundleUnits(name, await readFile(path, 'utf8'))) yield { ...unit, bytes };
      },
    } satisfies ImportSource;
  }));
}

/**
 * NDJSON files load in the order their references need: Patients and the outside parties they point
 * at, then Encounters, then the rest (Conditions, Immunizations … name their Encounter). Bundles are
 * self-contained and load with the last phase.
 */
function phaseOf(source: ImportSource): number {
  if (!isNdjson(source.name)) return 2;
  const type = basename(source.name, extname(source.name)).split('.')[0] ?? '';
  return ['Patient', 'Organization', 'Location', 'Practitioner', 'PractitionerRole'].includes(type) ? 0 : type === 'Encounter' ? 1 : 2;
}


async function importWithRetry(db: Kysely<Database>, context: FhirContext, unit: ImportUnit): Promise<UnitResult> {
  const split = splitOutsideParties(unit);
  if (split) return addResult(await importWithRetry(db, context, split.parties), await importWithRetry(db, context, split.rest));
  for (let attempt = 1; ; attempt++) {
    try {
      return await importUnit(db, context, unit);
    } catch (error) {
      if (attempt >= 4 || !isRetryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}

/**
 * Imports the sources: each Bundle (or 1,000 NDJSON lines) in its own transaction, `concurrency`
 * units at a time (several database connections), NDJSON Patients and outside parties first, then Encounters.
 * Re-running the same sources changes nothing; a run killed half-way is completed by running it again.
 */
export async function runImport(
  db: Kysely<Database>,
  context: FhirContext,
  sources: ImportSource[],
  options: { concurrency?: number; onProgress?: (progress: ImportProgress) => void; signal?: AbortSignal } = {},
): Promise<UnitResult> {
  const total = emptyResult();
  const progress: ImportProgress = { bytesDone: 0, bytesTotal: sources.reduce((sum, source) => sum + source.bytes, 0), units: 0, resources: 0, result: total };
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const context_ = { ...context, source: 'import' as const };
  for (const phase of [0, 1, 2]) {
    const queue = sources.filter((source) => phaseOf(source) === phase);
    const units = (async function* () {
      for (const source of queue) yield* source.read();
    })();
    let reading = Promise.resolve();
    const next = async (): Promise<(ImportUnit & { bytes: number }) | undefined> => {
      // One reader at a time: the generator is not re-entrant.
      const turn = reading.then(() => units.next());
      reading = turn.then(() => undefined, () => undefined);
      const item = await turn;
      return item.done ? undefined : item.value;
    };
    await Promise.all(Array.from({ length: concurrency }, async () => {
      for (let unit = await next(); unit; unit = await next()) {
        if (options.signal?.aborted) return;
        let outcome: UnitResult;
        try {
          outcome = await importWithRetry(db, context_, unit);
        } catch (error) {
          // The unit's transaction rolled back: every resource in it is reported failed.
          outcome = emptyResult();
          const message = error instanceof Error ? error.message.slice(0, 300) : 'unknown error';
          for (const entry of unit.entries) {
            const resource = entry.resource as { resourceType?: string; id?: string } | null;
            outcome.failed.push({ label: unit.label, resourceType: resource?.resourceType ?? 'unknown', id: resource?.id, status: 500, message: `The unit was not saved: ${message}` });
          }
        }
        addResult(total, outcome);
        progress.units++;
        progress.resources += resourcesIn(outcome);
        progress.bytesDone += unit.bytes;
        options.onProgress?.(progress);
      }
    }));
  }
  // A large import leaves the planner without statistics for what it loaded, and the upserts leave
  // dead rows behind; until autovacuum gets round to it, searches can plan and scan badly.
  if (progress.resources > 0) await sql`vacuum (analyze) ${sql.raw(IMPORTED_TABLES.join(', '))}`.execute(db);
  return total;
}

/** The tables an import writes (through the FHIR mapping): refreshed once it is done. */
const IMPORTED_TABLES = ['patients', 'fhir_resources', 'fhir_resource_history', 'observations', 'encounters', 'problems', 'allergies', 'immunizations', 'medications'];
