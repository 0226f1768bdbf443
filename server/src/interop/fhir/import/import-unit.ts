import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Resource } from '@medplum/fhirtypes';
import { recordAudit } from '../../../platform/index.js';
import { reserveMrns } from '../../../front-desk/index.js';
import type { Database } from '../../../platform/db/schema.js';
import { ID_PATTERN } from '../core/fhir-values.js';
import { FhirError, toOutcome } from '../core/operation-outcome.js';
import type { FhirContext, ResourceDefinition } from '../core/resource-definition.js';
import { resourceDefinitions } from '../core/resource-registry.js';
import { checkSubmitted, createResource } from '../interactions.js';
import { createResourcesBatch } from '../batch-write.js';

/**
 * One unit of an import, loaded in one database transaction: a patient's transaction Bundle, or a
 * slice of an NDJSON file. `fullUrl` (urn:uuid) lets the unit's references name each other.
 */
export interface ImportUnit {
  /** Where the unit comes from (file name, line range), for the summary. */
  label: string;
  entries: Array<{ fullUrl?: string | undefined; resource: unknown }>;
  /** urn:uuids of entries loaded by another unit (the outside parties split off, see splitOutsideParties) and the Type/id they name. */
  resolvedElsewhere?: Map<string, string>;
}

/** Outside parties: shared by many patients' bundles, stored as sent. */
const OUTSIDE_PARTIES = ['Organization', 'Location', 'Practitioner', 'PractitionerRole'];
const URN_REFERENCE = /"reference":"(urn:uuid:[0-9a-f-]{36})"/gi;

/**
 * Splits a unit's outside parties (Organizations, Locations, Practitioners … that name no other
 * entry of the unit) into a unit of their own, loaded and committed first: concurrent units that
 * share them then wait for that short transaction only, not for each other's whole patient.
 * The rest of the unit still resolves their urn:uuids.
 */
export function splitOutsideParties(unit: ImportUnit): { parties: ImportUnit; rest: ImportUnit } | undefined {
  const typeOf = (entry: ImportUnit['entries'][number]) => (entry.resource as { resourceType?: unknown } | null)?.resourceType;
  const candidates = unit.entries.filter((entry) => OUTSIDE_PARTIES.includes(String(typeOf(entry))));
  if (candidates.length === 0 || candidates.length === unit.entries.length) return undefined;
  const partyUrns = new Set(candidates.map((entry) => entry.fullUrl?.toLowerCase()).filter((urn): urn is string => !!urn && URN.test(urn)));
  const separable = new Set(candidates.filter((entry) => [...JSON.stringify(entry.resource).matchAll(URN_REFERENCE)].every((match) => partyUrns.has(match[1]!.toLowerCase()))));
  if (separable.size === 0) return undefined;
  const resolvedElsewhere = new Map(unit.resolvedElsewhere ?? []);
  for (const entry of separable) {
    const urn = entry.fullUrl && URN.test(entry.fullUrl) ? entry.fullUrl.toLowerCase() : undefined;
    if (urn) resolvedElsewhere.set(urn, `${String(typeOf(entry))}/${idOfEntry(entry, urn)}`);
  }
  return {
    parties: { label: unit.label, entries: [...separable] },
    rest: { label: unit.label, entries: unit.entries.filter((entry) => !separable.has(entry)), resolvedElsewhere },
  };
}

/** The id an entry loads at: the resource's own id, else its urn:uuid, else a new one. */
function idOfEntry(entry: ImportUnit['entries'][number], urn: string | undefined): string {
  const resource = entry.resource as { id?: unknown } | null;
  const ownId = typeof resource?.id === 'string' && ID_PATTERN.test(resource.id) ? resource.id : undefined;
  return ownId ?? urn?.slice('urn:uuid:'.length) ?? randomUUID();
}

export type SkipReason = 'type not supported yet' | 'type is read-only here' | 'not a resource';

export interface UnitResult {
  /** Resources written, per type. */
  loaded: Record<string, number>;
  /** Resources already present (same id, or a Patient with the same identifier): left as they are. */
  alreadyPresent: Record<string, number>;
  /** Resources not loaded on purpose, per reason and type. */
  skipped: Record<string, Record<string, number>>;
  /** Resources refused (invalid content, broken rule), with why; the rest of the unit loads. */
  failed: Array<{ label: string; resourceType: string; id: string | undefined; status: number; message: string; expression?: string[] | undefined }>;
  /** Patients loaded or already present (the progress bar's patient count). */
  patients: number;
}

export const emptyResult = (): UnitResult => ({ loaded: {}, alreadyPresent: {}, skipped: {}, failed: [], patients: 0 });

const bump = (counts: Record<string, number>, key: string, by = 1) => { counts[key] = (counts[key] ?? 0) + by; };

/** Adds `from` into `into` (summaries of many units). */
export function addResult(into: UnitResult, from: UnitResult): UnitResult {
  for (const [type, n] of Object.entries(from.loaded)) bump(into.loaded, type, n);
  for (const [type, n] of Object.entries(from.alreadyPresent)) bump(into.alreadyPresent, type, n);
  for (const [reason, byType] of Object.entries(from.skipped)) for (const [type, n] of Object.entries(byType)) bump((into.skipped[reason] ??= {}), type, n);
  into.failed.push(...from.failed.slice(0, Math.max(0, 1000 - into.failed.length)));
  into.patients += from.patients;
  return into;
}

export const countOf = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);
export const resourcesIn = (result: UnitResult) =>
  countOf(result.loaded) + countOf(result.alreadyPresent) + Object.values(result.skipped).reduce((sum, byType) => sum + countOf(byType), 0) + result.failed.length;

const URN = /^urn:uuid:[0-9a-f-]{36}$/i;

/** Replaces references to the unit's urn:uuids with Type/id; returns the urn:uuids that name nothing in the unit. */
function resolveReferences(value: unknown, ids: Map<string, string>, unresolved: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveReferences(item, ids, unresolved));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === 'reference' && typeof item === 'string' && item.startsWith('urn:uuid:')) {
      const resolved = ids.get(item.toLowerCase());
      if (!resolved) unresolved.add(item);
      out[key] = resolved ?? item;
    } else {
      out[key] = resolveReferences(item, ids, unresolved);
    }
  }
  return out;
}

interface Planned {
  index: number;
  definition: ResourceDefinition;
  id: string;
  resource: Record<string, unknown>;
}

const definitions = () => new Map(resourceDefinitions.map((definition) => [definition.type, definition]));

/** The first identifier with a system and value: how an imported Patient is recognised again. */
function keyIdentifier(resource: Record<string, unknown>): { system: string; value: string } | undefined {
  const identifiers = Array.isArray(resource.identifier) ? (resource.identifier as Array<Record<string, unknown>>) : [];
  const first = identifiers.find((identifier) => typeof identifier?.system === 'string' && typeof identifier?.value === 'string');
  return first ? { system: first.system as string, value: first.value as string } : undefined;
}

/** Deadlock, serialization failure or a unique clash with a concurrent unit: the unit rolled back whole, so it is safe to run again. */
export const isRetryable = (error: unknown) => ['40P01', '40001', '23505'].includes(String((error as { code?: string }).code));

/**
 * Loads one unit through the FHIR mapping, in one transaction (so an import killed half-way has
 * whole units or nothing, and a re-run completes it). Idempotent: a resource whose id is already
 * stored, or a Patient whose first identifier is already stored, is left as it is (a conditional
 * create). Types the registry does not serve are skipped with the reason; invalid resources fail
 * alone. Types stored as sent are written in one statement; mapped types with a batch writer
 * (Observation, Encounter, Condition, MedicationStatement/Request, Immunization) in a few statements
 * per type; the others (Patient, AllergyIntolerance) one by one through createResource, each in a
 * savepoint (`batch: false` sends every type that way).
 */
export async function importUnit(db: Kysely<Database>, context: FhirContext, unit: ImportUnit, options: { batch?: boolean } = {}): Promise<UnitResult> {
  const result = emptyResult();
  const byType = definitions();
  const fail = (resourceType: string, id: string | undefined, error: unknown) => {
    const { status, body } = toOutcome(error);
    const issue = body.issue[0]!;
    // An unexpected failure names its kind and database message (no values), so the operator can report it.
    const message = status >= 500 ? `Server error (${(error as Error).name}: ${String((error as Error).message).slice(0, 160)})` : issue.diagnostics ?? issue.code;
    result.failed.push({ label: unit.label, resourceType, id, status, message, expression: issue.expression });
  };

  // 1. Which entries load, and at which id (the resource's own id, else its urn:uuid, else a new one).
  const planned: Planned[] = [];
  const ids = new Map<string, string>(unit.resolvedElsewhere ?? []);
  unit.entries.forEach((entry, index) => {
    const resource = entry.resource as Record<string, unknown> | null;
    if (typeof resource !== 'object' || resource === null || typeof resource.resourceType !== 'string') {
      bump((result.skipped['not a resource'] ??= {}), 'unknown');
      return;
    }
    const type = resource.resourceType;
    const definition = byType.get(type);
    const urn = entry.fullUrl && URN.test(entry.fullUrl) ? entry.fullUrl.toLowerCase() : undefined;
    const id = idOfEntry(entry, urn);
    if (urn) ids.set(urn, `${type}/${id}`);
    if (!definition) {
      bump((result.skipped['type not supported yet'] ??= {}), type);
      return;
    }
    if (!definition.interactions.includes('create')) {
      bump((result.skipped['type is read-only here'] ??= {}), type);
      return;
    }
    planned.push({ index, definition, id, resource });
  });
  if (planned.length === 0) return result;

  // New Patients take MRNs reserved here, outside the unit's transaction (one short statement), so
  // concurrent units do not queue on the organization's MRN counter for their whole length.
  const patientIds = planned.filter((plan) => plan.definition.type === 'Patient').map((plan) => plan.id);
  if (patientIds.length > 0 && context.source === 'import') {
    const known = await db.selectFrom('fhirResources').select('id').where('organizationId', '=', context.organizationId).where('resourceType', '=', 'Patient').where('id', 'in', patientIds).execute();
    context = { ...context, reservedMrns: await reserveMrns(db, context.organizationId, patientIds.length - known.length) };
  }

  await db.transaction().execute(async (trx) => {
    // The lookups of what is already there are planned for these parameters, not with a connection's
    // cached generic plan: an import fills fhir_resources while it runs, and a plan cached while it was
    // nearly empty (ids found through fhir_resources_updated_idx instead of the primary key) grows
    // slower with every unit. (Only these two: planning every statement of the unit costs ~10 %.)
    await sql`set local plan_cache_mode = force_custom_plan`.execute(trx);
    // 2. What is already there: by id (one query), and Patients by their key identifier.
    const present = await sql<{ resourceType: string; id: string }>`
      select resource_type, id from fhir_resources
      where organization_id = ${context.organizationId}
        and (resource_type, id) in (select * from unnest(${planned.map((plan) => plan.definition.type)}::text[], ${planned.map((plan) => plan.id)}::text[]))`.execute(trx);
    const existing = new Set(present.rows.map((row) => `${row.resourceType}/${row.id}`));
    const patients = planned.filter((plan) => plan.definition.type === 'Patient' && !existing.has(`Patient/${plan.id}`));
    const keyed = patients.map((plan) => ({ plan, key: keyIdentifier(plan.resource) })).filter((item) => item.key);
    if (keyed.length > 0) {
      const matches = await sql<{ id: string; identifiers: Array<{ system?: string; value?: string }> }>`
        select id, resource->'identifier' as identifiers from fhir_resources
        where organization_id = ${context.organizationId} and resource_type = 'Patient'
          and (${sql.join(keyed.map(({ key }) => sql`resource @> ${JSON.stringify({ identifier: [key] })}::jsonb`), sql` or `)})`.execute(trx);
      for (const { plan, key } of keyed) {
        const holders = matches.rows.filter((row) => (row.identifiers ?? []).some((identifier) => identifier.system === key!.system && identifier.value === key!.value));
        if (holders.length === 1) {
          // The same patient, stored under another id: the unit's references now name that one.
          for (const [urn, target] of ids) if (target === `Patient/${plan.id}`) ids.set(urn, `Patient/${holders[0]!.id}`);
          plan.id = holders[0]!.id;
          existing.add(`Patient/${plan.id}`);
        } else if (holders.length > 1) {
          existing.add(`Patient/${plan.id}`);
          fail('Patient', plan.id, new FhirError(412, 'duplicate', `The Patient's identifier matches ${holders.length} stored patients; nothing was loaded for it.`));
        }
      }
    }

    await sql`set local plan_cache_mode to default`.execute(trx);

    // 3. Resolve references, check content; split into stored-as-sent (one statement) and mapped (one by one).
    const bulk: Array<{ plan: Planned; resource: Resource }> = [];
    const mapped: Array<{ plan: Planned; resource: Resource }> = [];
    for (const plan of planned) {
      const type = plan.definition.type;
      if (existing.has(`${type}/${plan.id}`)) {
        if (!result.failed.some((failure) => failure.resourceType === type && failure.id === plan.id)) bump(result.alreadyPresent, type);
        if (type === 'Patient') result.patients++;
        continue;
      }
      existing.add(`${type}/${plan.id}`);
      const unresolved = new Set<string>();
      const resolved = resolveReferences({ ...plan.resource, id: plan.id }, ids, unresolved) as Record<string, unknown>;
      try {
        if (unresolved.size > 0) {
          throw new FhirError(422, 'not-found', `These urn:uuid references name no entry of the unit: ${[...unresolved].slice(0, 5).join(', ')}.`, { expression: [type] });
        }
        const checked = checkSubmitted(plan.definition, resolved, plan.id);
        (plan.definition.writeMapped ? mapped : bulk).push({ plan, resource: checked });
      } catch (error) {
        fail(type, plan.id, error);
      }
    }

    // 4. Stored as sent: current and history rows in one statement, audit entries in one more.
    if (bulk.length > 0) {
      const now = new Date();
      // In one order everywhere, so concurrent units that share outside parties never deadlock on them.
      bulk.sort((a, b) => (a.plan.definition.type + a.plan.id < b.plan.definition.type + b.plan.id ? -1 : 1));
      const rows = bulk.map(({ plan, resource }) => {
        const { meta, ...content } = resource;
        return { type: plan.definition.type, id: plan.id, json: JSON.stringify({ ...content, id: plan.id, meta: { ...meta, versionId: '1', lastUpdated: now.toISOString() } }) };
      });
      const inserted = await sql<{ resourceType: string; id: string }>`
        with input as (
          select * from unnest(${rows.map((row) => row.type)}::text[], ${rows.map((row) => row.id)}::text[], ${rows.map((row) => row.json)}::text[]) as t(resource_type, id, resource)
        ), current as (
          insert into fhir_resources (organization_id, resource_type, id, version_id, last_updated, resource, deleted)
          select ${context.organizationId}::uuid, resource_type, id, 1, ${now}::timestamptz, resource::jsonb, false from input
          on conflict do nothing
          returning resource_type, id, resource
        )
        insert into fhir_resource_history (organization_id, resource_type, id, version_id, last_updated, resource)
        select ${context.organizationId}::uuid, resource_type, id, 1, ${now}::timestamptz, resource from current
        on conflict do nothing
        returning resource_type, id`.execute(trx);
      const written = new Set(inserted.rows.map((row) => `${row.resourceType}/${row.id}`));
      for (const row of rows) bump(written.has(`${row.type}/${row.id}`) ? result.loaded : result.alreadyPresent, row.type);
      await recordAudit(trx, context.audit, inserted.rows.map((row) => ({
        action: 'create' as const, recordType: row.resourceType, recordId: row.id, patientId: null, details: { via: 'fhir-import', versionId: 1 },
      })));
    }

    // 5. Mapped types: Patients first, then Encounters (the others name them), then the rest. A type
    // with a batch writer goes in a few statements per unit; the others one by one, each in a savepoint.
    let savepoint = 0;
    const nextSavepoint = () => sql.raw(`import_${savepoint++}`);
    const oneByOne = async ({ plan, resource }: { plan: Planned; resource: Resource }) => {
      const name = nextSavepoint();
      await sql`savepoint ${name}`.execute(trx);
      try {
        await createResource(trx as Transaction<Database>, context, plan.definition.type, resource, { id: plan.id });
        await sql`release savepoint ${name}`.execute(trx);
        bump(result.loaded, plan.definition.type);
        if (plan.definition.type === 'Patient') result.patients++;
      } catch (error) {
        await sql`rollback to savepoint ${name}`.execute(trx);
        fail(plan.definition.type, plan.id, error);
      }
    };
    const phaseOf = (type: string) => (type === 'Patient' ? 0 : type === 'Encounter' ? 1 : 2);
    const batchable = (definition: ResourceDefinition) => options.batch !== false && context.source === 'import' && !!definition.writeMappedBatch && definition.type !== 'Patient';
    mapped.sort((a, b) => phaseOf(a.plan.definition.type) - phaseOf(b.plan.definition.type) || a.plan.index - b.plan.index);
    for (const phase of [0, 1, 2]) {
      const items = mapped.filter((item) => phaseOf(item.plan.definition.type) === phase);
      const groups = new Map<ResourceDefinition, typeof items>();
      for (const item of items) if (batchable(item.plan.definition)) groups.set(item.plan.definition, [...(groups.get(item.plan.definition) ?? []), item]);
      for (const [definition, group] of groups) {
        const name = nextSavepoint();
        await sql`savepoint ${name}`.execute(trx);
        try {
          const outcome = await createResourcesBatch(trx as Transaction<Database>, context, definition, group.map(({ plan, resource }) => ({ id: plan.id, resource })));
          await sql`release savepoint ${name}`.execute(trx);
          outcome.forEach((written, index) => {
            if ('error' in written) fail(definition.type, group[index]!.plan.id, written.error);
            else bump(result.loaded, definition.type);
          });
        } catch (error) {
          await sql`rollback to savepoint ${name}`.execute(trx);
          // A clash with a concurrent unit reruns the whole unit; anything else unexpected: the group goes one by one.
          if (isRetryable(error)) throw error;
          for (const item of group) await oneByOne(item);
        }
      }
      for (const item of items) if (!batchable(item.plan.definition)) await oneByOne(item);
    }
  });
  return result;
}
