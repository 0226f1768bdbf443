import type { ColumnType } from 'kysely';

type Json = ColumnType<Record<string, unknown>, string, string>;

export interface FhirResourcesTable {
  organizationId: string;
  resourceType: string;
  id: string;
  versionId: number;
  lastUpdated: ColumnType<Date, Date | string | undefined, Date | string>;
  resource: Json;
  deleted: ColumnType<boolean, boolean | undefined, boolean>;
  /** The patients row this Patient maps to (null: not on the clinic register, or not a Patient). */
  patientId: string | null;
  /** The clinical row (encounters, observations, allergies …) a resource of a mapped clinical type is kept beside. */
  rowId: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface FhirResourceHistoryTable {
  organizationId: string;
  resourceType: string;
  id: string;
  versionId: number;
  lastUpdated: ColumnType<Date, Date | string, never>;
  resource: Json;
  deleted: ColumnType<boolean, boolean | undefined, never>;
}
