import { sql, type RawBuilder } from 'kysely';
import type { SearchParameterDefinition } from '../core/resource-definition.js';
import { FhirError } from '../core/operation-outcome.js';

const DATE_VALUE = /^(eq|ne|gt|lt|ge|le|sa|eb)?(\d{4}(?:-\d{2}(?:-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?)?)?)$/;

/** The half-open instant range [low, high) a FHIR date or dateTime search value covers (dates in UTC). */
export function rangeOf(value: string, parameter: string): { low: Date; high: Date } {
  const [datePart, timePart] = value.split('T');
  const parts = datePart!.split('-').map(Number);
  const [year, month, day] = parts as [number, number | undefined, number | undefined];
  if ((month !== undefined && (month < 1 || month > 12)) || (day !== undefined && (day < 1 || day > 31))) {
    throw new FhirError(400, 'invalid', `${parameter}: ${value} is not a date.`);
  }
  if (timePart) {
    const instant = new Date(/(Z|[+-]\d{2}:\d{2})$/.test(timePart) ? value : `${value}Z`);
    if (Number.isNaN(instant.getTime())) throw new FhirError(400, 'invalid', `${parameter}: ${value} is not a date-time.`);
    const precisionMs = /:\d{2}:\d{2}/.test(timePart) ? 1000 : 60_000;
    return { low: instant, high: new Date(instant.getTime() + precisionMs) };
  }
  const low = new Date(Date.UTC(year, (month ?? 1) - 1, day ?? 1));
  const high = day !== undefined ? new Date(Date.UTC(year, month! - 1, day + 1)) : month !== undefined ? new Date(Date.UTC(year, month, 1)) : new Date(Date.UTC(year + 1, 0, 1));
  if (day !== undefined && low.getUTCDate() !== day) throw new FhirError(400, 'invalid', `${parameter}: ${value} is not a calendar date.`);
  return { low, high };
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, '\\$&');
const col = (name: string) => sql.ref(`r.${name}`);

/** The SQL test one search value (one of a comma-separated list) puts on the source relation `r`. */
function valuePredicate(definition: SearchParameterDefinition, modifier: string | undefined, value: string): RawBuilder<boolean> {
  const column = col(definition.column);
  const label = definition.name;
  if (modifier === 'missing') {
    if (value !== 'true' && value !== 'false') throw new FhirError(400, 'invalid', `${label}:missing takes true or false.`);
    const isEmpty = definition.match === 'strings' || definition.match === 'tokens' || definition.match === 'identifier'
      ? sql<boolean>`coalesce(cardinality(${definition.match === 'identifier' ? sql`array(select jsonb_array_elements(${column}))` : column}), 0) = 0`
      : sql<boolean>`${column} is null`;
    return value === 'true' ? isEmpty : sql<boolean>`not (${isEmpty})`;
  }
  switch (definition.match) {
    case 'id':
      return sql<boolean>`${column} = ${value}`;
    case 'code': {
      const code = value.includes('|') ? value.slice(value.indexOf('|') + 1) : value;
      return sql<boolean>`${column} = ${code}`;
    }
    case 'tokens': {
      // Each coding is held twice, as `code` and as `system|code`: code, system|code and |code match directly.
      const bar = value.indexOf('|');
      if (bar !== -1 && bar === value.length - 1) return sql<boolean>`exists (select 1 from unnest(${column}) as t(v) where t.v like ${`${escapeLike(value)}%`})`;
      return sql<boolean>`${bar === 0 ? value.slice(1) : value} = any(${column})`;
    }
    case 'identifier': {
      const bar = value.indexOf('|');
      const identifiers = sql`jsonb_array_elements(coalesce(${column}, '[]'::jsonb))`;
      if (bar === -1) return sql<boolean>`exists (select 1 from ${identifiers} as i(v) where i.v->>'value' = ${value})`;
      const system = value.slice(0, bar);
      const code = value.slice(bar + 1);
      if (!system) return sql<boolean>`exists (select 1 from ${identifiers} as i(v) where i.v->>'system' is null and i.v->>'value' = ${code})`;
      if (!code) return sql<boolean>`exists (select 1 from ${identifiers} as i(v) where i.v->>'system' = ${system})`;
      return sql<boolean>`exists (select 1 from ${identifiers} as i(v) where i.v->>'system' = ${system} and i.v->>'value' = ${code})`;
    }
    case 'strings': {
      if (modifier === 'exact') return sql<boolean>`${value} = any(${column})`;
      const pattern = modifier === 'contains' ? `%${escapeLike(value.toLowerCase())}%` : `${escapeLike(value.toLowerCase())}%`;
      return sql<boolean>`exists (select 1 from unnest(${column}) as s(v) where lower(s.v) like ${pattern})`;
    }
    case 'reference': {
      const target = definition.target ?? '';
      const match = new RegExp(`^(?:.*/)?(?:${target}/)?([A-Za-z0-9.-]{1,64})$`).exec(value);
      if (!match) throw new FhirError(400, 'invalid', `${label}: ${value} is not a reference to a ${target}.`);
      return sql<boolean>`${column} = ${match[1]!}`;
    }
    case 'date-range':
    case 'instant': {
      const parsed = DATE_VALUE.exec(value);
      if (!parsed) throw new FhirError(400, 'invalid', `${label}: ${value} is not a date (use e.g. ge1980-01-01).`);
      const prefix = parsed[1] ?? 'eq';
      const { low, high } = rangeOf(parsed[2]!, label);
      let targetLow: RawBuilder<unknown>;
      let targetHigh: RawBuilder<unknown>;
      let lowValue: RawBuilder<unknown>;
      let highValue: RawBuilder<unknown>;
      if (definition.match === 'date-range') {
        // A partial birth date (1974, 1974-12) is the range of days it covers.
        targetLow = sql`(${column} || substr('-01-01', length(${column}) - 3))::date`;
        targetHigh = sql`((${column} || substr('-01-01', length(${column}) - 3))::date + case length(${column}) when 4 then interval '1 year' when 7 then interval '1 month' else interval '1 day' end)::date`;
        lowValue = sql`${low.toISOString().slice(0, 10)}::date`;
        highValue = sql`${high.toISOString().slice(0, 10)}::date`;
      } else {
        targetLow = column;
        targetHigh = sql`(${column} + interval '1 microsecond')`;
        lowValue = sql`${low.toISOString()}::timestamptz`;
        highValue = sql`${high.toISOString()}::timestamptz`;
      }
      switch (prefix) {
        case 'eq': return sql<boolean>`(${targetLow} >= ${lowValue} and ${targetHigh} <= ${highValue})`;
        case 'ne': return sql<boolean>`not (${targetLow} >= ${lowValue} and ${targetHigh} <= ${highValue})`;
        case 'ge': return sql<boolean>`${targetHigh} > ${lowValue}`;
        case 'gt': return sql<boolean>`${targetHigh} > ${highValue}`;
        case 'le': return sql<boolean>`${targetLow} < ${highValue}`;
        case 'lt': return sql<boolean>`${targetLow} < ${lowValue}`;
        case 'sa': return sql<boolean>`${targetLow} >= ${highValue}`;
        default: return sql<boolean>`${targetHigh} <= ${lowValue}`;
      }
    }
  }
}

const modifiersByMatch: Record<SearchParameterDefinition['match'], string[]> = {
  id: ['missing'], identifier: ['missing'], code: ['missing', 'not'], tokens: ['missing', 'not'], strings: ['exact', 'contains', 'missing'],
  'date-range': ['missing'], instant: ['missing'], reference: ['missing'],
};

/** One search parameter occurrence (`name:modifier=a,b`): the values are alternatives (OR). */
export function parameterPredicate(definition: SearchParameterDefinition, modifier: string | undefined, rawValue: string): RawBuilder<boolean> {
  if (modifier && !modifiersByMatch[definition.match].includes(modifier)) {
    throw new FhirError(400, 'not-supported', `Modifier :${modifier} is not supported on ${definition.name}.`);
  }
  const values = rawValue.split(/(?<!\\),/).map((value) => value.replace(/\\,/g, ','));
  if (values.some((value) => value === '')) throw new FhirError(400, 'invalid', `${definition.name}: empty search value.`);
  if (modifier === 'not') {
    return sql<boolean>`not coalesce((${sql.join(values.map((value) => valuePredicate(definition, undefined, value)), sql` or `)}), false)`;
  }
  return sql<boolean>`(${sql.join(values.map((value) => valuePredicate(definition, modifier, value)), sql` or `)})`;
}

export interface Cursor {
  /** The sort key of the last entry on the previous page (text; '' for none). */
  key: string;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.key, cursor.id])).toString('base64url');
}

export function decodeCursor(value: string): Cursor {
  try {
    const [key, id] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof key === 'string' && typeof id === 'string') return { key, id };
  } catch {
    // fall through to the refusal below
  }
  throw new FhirError(400, 'invalid', '_cursor is not a paging cursor this server issued.');
}
