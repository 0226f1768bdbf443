import type { RawBuilder, Transaction } from 'kysely';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import type { Actor } from '../../../platform/auth/actor.js';
import type { AuditContext, AuditEntry } from '../../../platform/audit/record-audit.js';
import type { Database } from '../../../platform/db/schema.js';
import type { PolicyAction } from '../../../platform/policy/policy-table.js';

export type Interaction = 'read' | 'vread' | 'update' | 'history-instance' | 'create' | 'search-type';

/** The caller of a FHIR interaction: audit context, organization, actor and the server's base URL. */
export interface FhirContext {
  audit: AuditContext;
  organizationId: string;
  actor: Actor;
  baseUrl: string;
  /**
   * Why the write happens: absent for live API calls; 'import' for historical records loaded by
   * `npm run import` or the admin import (stored as sent, nothing derived: no alerts, no tasks;
   * mapped rows carry source 'import').
   */
  source?: 'import';
  /** MRNs an import reserved before its unit's transaction; a new Patient without an MRN takes the next one (see reserveMrns). */
  reservedMrns?: string[];
}

export type SearchParameterType = 'token' | 'string' | 'date' | 'reference';

export interface SearchParameterDefinition {
  name: string;
  type: SearchParameterType;
  documentation: string;
  /** Column of the type's source relation (alias `r`) the generic predicates read; see search-sql.ts. */
  column: string;
  /**
   * How values match the column: `id` (text), `identifier` (jsonb array of {system, value}),
   * `code` (text code), `tokens` (text[] holding each coding as `code` and `system|code`), `strings` (text[]; starts-with, :exact, :contains), `date-range` (FHIR date
   * text, partial dates are ranges), `instant` (timestamptz), `reference` (text id of the target).
   */
  match: 'id' | 'identifier' | 'code' | 'tokens' | 'strings' | 'date-range' | 'instant' | 'reference';
  /** For `reference`: the resource type the reference must name. */
  target?: string;
}

/**
 * One row of a type's source relation: the resource as Medassist holds it. `stored` is the JSON a
 * client sent (null when the resource is generated from a Medassist row); `isFresh` says the stored
 * JSON is the current version (no later change made in the app).
 */
export interface Candidate {
  id: string;
  versionId: number;
  lastUpdated: Date;
  stored: Resource | null;
  /** The stored JSON's text, as the database gave it (parsed into `stored` only when something reads that). */
  storedText?: string | null;
  isFresh: boolean;
  /** The mapped Medassist row (camelCase keys), when there is one. */
  row: Record<string, unknown> | null;
  patientId: string | null;
  deleted: boolean;
}

export interface WriteResult {
  /** The mapped patients row, when the resource is (or maps to) a patient. */
  patientId: string | null;
  /** Set when the mapped row already carries this version (the row and resource versions move together). */
  warnings: OperationOutcomeIssue[];
  /** The patient the write's audit entry names when `patientId` is not the resource's own patient row (e.g. an Appointment's patient). */
  auditPatientId?: string | null;
  /** The clinical row the stored JSON is kept beside (fhir_resources.row_id), for the mapped clinical types. */
  rowId?: string | null;
  /** Audit entries the mapping collected instead of writing; written with the write's own entry, in one statement. */
  auditEntries?: AuditEntry[];
}

/** Everything the generic interactions need to serve one resource type. */
export interface ResourceDefinition {
  type: string;
  interactions: readonly Interaction[];
  searchParameters: readonly SearchParameterDefinition[];
  /** `_sort` keys: text SQL expressions over alias `r`. */
  sorts: Readonly<Record<string, RawBuilder<string>>>;
  /** Policy actions (the one policy table) per kind of access. */
  policy: { read: PolicyAction; search: PolicyAction; write?: PolicyAction };
  /**
   * Every resource of the type the organization holds, as a SQL relation with columns id,
   * version_id, last_updated, resource_text, is_fresh, row_text, patient_id, deleted, and the
   * search columns the parameters name. With `id`, only the rows that can carry that id (so a read
   * by id uses the primary keys instead of scanning the organization's rows). With `narrowing`
   * (a search's string parameters), a source may leave out rows that cannot match them, using
   * indexes; the search's own predicates still decide exactly.
   */
  source(organizationId: string, actor: Actor, id?: string, narrowing?: SearchNarrowing): RawBuilder<unknown>;
  /** The resource as read: the stored JSON when fresh, otherwise generated from the row (over the stored JSON). */
  toResource(candidate: Candidate, baseUrl: string): Resource;
  /**
   * Set when toResource answers the stored JSON itself whenever it is the current version: reads and
   * searches then send the stored text as it is, without parsing and serializing it again.
   */
  servesStoredWhenFresh?: boolean;
  /** Content checks beyond the generic ones; throws FhirError(422) naming the element. */
  validate?(resource: Resource): void;
  /**
   * Writes the mapped Medassist rows for a create or update at `versionId` (absent: the type is
   * stored as sent). Throws FhirError for refused writes (e.g. a Practitioner who is staff).
   */
  writeMapped?(
    trx: Transaction<Database>,
    context: FhirContext,
    write: { id: string; resource: Resource; current: Candidate | null; versionId: number; now: Date },
  ): Promise<WriteResult>;
  /**
   * Imports: the same mapped rows as `writeMapped` for many new resources (version 1, no current
   * version) in a few statements. Each result is the resource's WriteResult, or the error that
   * refuses it alone (the others are written). Row-level audit entries are the type's own, as one by one.
   */
  writeMappedBatch?(
    trx: Transaction<Database>,
    context: FhirContext,
    writes: Array<{ id: string; resource: Resource; now: Date }>,
  ): Promise<Array<WriteResult | { error: unknown }>>;
  /** The patient an audit entry should name, for reads. */
  auditPatientId?(candidate: Candidate): string | null;
}

/** A search's string parameters (each occurrence ANDed, its values ORed), for sources that can narrow by them. */
export type SearchNarrowing = Array<{ parameter: string; modifier: string | undefined; values: string[] }>;
