import type { ColumnType, Generated, JSONColumnType } from 'kysely';

export interface LiveEventsTable {
  id: Generated<number>;
  organizationId: string;
  topic: string;
  type: string;
  payload: JSONColumnType<Record<string, unknown>, string, string>;
  createdAt: ColumnType<Date, Date | string | undefined, never>;
}
