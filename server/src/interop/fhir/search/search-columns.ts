import { sql, type RawBuilder } from 'kysely';

/** Every string part of the HumanNames in a JSON resource (family, given, text, prefix, suffix): `name` search. */
export function humanNameParts(resource: RawBuilder<unknown>, part: 'all' | 'family' | 'given'): RawBuilder<string[]> {
  const names = sql`jsonb_array_elements(case when jsonb_typeof(${resource}->'name') = 'array' then ${resource}->'name' else '[]'::jsonb end)`;
  const items = (key: string) => sql`jsonb_array_elements_text(case when jsonb_typeof(n.v->${key}) = 'array' then n.v->${key} else '[]'::jsonb end)`;
  const parts =
    part === 'family' ? sql`select n.v->>'family'`
    : part === 'given' ? sql`select ${items('given')}`
    : sql`select n.v->>'family' union all select ${items('given')} union all select n.v->>'text' union all select ${items('prefix')} union all select ${items('suffix')}`;
  return sql<string[]>`array(select x from ${names} as n(v), lateral (${parts}) as t(x) where x is not null)`;
}

/** A plain `name` string and its `alias` list (Organization, Location). */
export function nameAndAliases(resource: RawBuilder<unknown>): RawBuilder<string[]> {
  return sql<string[]>`array(select x from (select ${resource}->>'name' as x union all select jsonb_array_elements_text(case when jsonb_typeof(${resource}->'alias') = 'array' then ${resource}->'alias' else '[]'::jsonb end)) as t where x is not null)`;
}

export function identifiersOf(resource: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`case when jsonb_typeof(${resource}->'identifier') = 'array' then ${resource}->'identifier' else '[]'::jsonb end`;
}

/** `last_updated` as a sortable text key (UTC, microseconds). */
export const lastUpdatedKey = sql<string>`to_char(r.last_updated at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
