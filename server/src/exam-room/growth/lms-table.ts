import { readFileSync } from 'node:fs';

export type GrowthSex = 'male' | 'female';

/** One tabulated age of a CDC 2000 LMS table, with the published percentile columns (P3…P97). */
export interface LmsRow {
  sex: GrowthSex;
  ageMonths: number;
  l: number;
  m: number;
  s: number;
  percentiles: Record<string, number>;
}

export interface Lms {
  l: number;
  m: number;
  s: number;
}

export const lmsTableNames = ['wtageinf', 'lenageinf', 'hcageinf', 'wtage', 'statage', 'bmiagerev'] as const;
export type LmsTableName = (typeof lmsTableNames)[number];

export interface LmsTable {
  name: LmsTableName;
  /** Rows per sex, sorted by age. */
  rows: Record<GrowthSex, LmsRow[]>;
}

/**
 * Parses a CDC 2000 LMS CSV (Sex 1 = male, 2 = female; Agemos in months; L, M, S; P-columns).
 * `bmiagerev.csv` and `lenageinf.csv` repeat the header line between the sexes: any row whose
 * Sex cell is not 1 or 2 is skipped.
 */
export function parseLmsCsv(name: LmsTableName, text: string): LmsTable {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = (lines[0] ?? '').split(',').map((cell) => cell.trim());
  const column = (label: string): number => {
    const index = header.indexOf(label);
    if (index < 0) throw new Error(`${name}: column ${label} missing`);
    return index;
  };
  const [sexAt, ageAt, lAt, mAt, sAt] = [column('Sex'), column('Agemos'), column('L'), column('M'), column('S')];
  const percentileColumns = header.flatMap((label, index) => (/^P\d+$/.test(label) ? [{ label, index }] : []));
  const rows: Record<GrowthSex, LmsRow[]> = { male: [], female: [] };
  for (const line of lines.slice(1)) {
    const cells = line.split(',').map((cell) => cell.trim());
    const sexCode = cells[sexAt];
    if (sexCode !== '1' && sexCode !== '2') continue;
    const numberAt = (index: number): number => {
      const value = Number(cells[index]);
      if (!Number.isFinite(value)) throw new Error(`${name}: bad number in "${line}"`);
      return value;
    };
    const sex: GrowthSex = sexCode === '1' ? 'male' : 'female';
    const percentiles: Record<string, number> = {};
    for (const { label, index } of percentileColumns) percentiles[label] = numberAt(index);
    rows[sex].push({ sex, ageMonths: numberAt(ageAt), l: numberAt(lAt), m: numberAt(mAt), s: numberAt(sAt), percentiles });
  }
  rows.male.sort((a, b) => a.ageMonths - b.ageMonths);
  rows.female.sort((a, b) => a.ageMonths - b.ageMonths);
  return { name, rows };
}

const cache = new Map<LmsTableName, LmsTable>();

/** Loads a table shipped in `./data` (see data/PROVENANCE.md), once per process. */
export function loadLmsTable(name: LmsTableName): LmsTable {
  let table = cache.get(name);
  if (!table) {
    table = parseLmsCsv(name, readFileSync(new URL(`./data/${name}.csv`, import.meta.url), 'utf8'));
    cache.set(name, table);
  }
  return table;
}

export function ageRange(table: LmsTable, sex: GrowthSex): { from: number; to: number } {
  const rows = table.rows[sex];
  return { from: rows[0]?.ageMonths ?? Number.NaN, to: rows[rows.length - 1]?.ageMonths ?? Number.NaN };
}

/**
 * L, M and S at `ageMonths`, interpolated linearly between the two tabulated ages around it
 * (CDC: "interpolate between the ages given"). Returns undefined outside the table's ages.
 */
export function lmsAt(table: LmsTable, sex: GrowthSex, ageMonths: number): Lms | undefined {
  const rows = table.rows[sex];
  const { from, to } = ageRange(table, sex);
  if (!(ageMonths >= from && ageMonths <= to)) return undefined;
  let upperIndex = rows.findIndex((row) => row.ageMonths >= ageMonths);
  if (upperIndex < 0) upperIndex = rows.length - 1;
  const upper = rows[upperIndex]!;
  if (upper.ageMonths === ageMonths || upperIndex === 0) return { l: upper.l, m: upper.m, s: upper.s };
  const lower = rows[upperIndex - 1]!;
  const fraction = (ageMonths - lower.ageMonths) / (upper.ageMonths - lower.ageMonths);
  const between = (a: number, b: number): number => a + (b - a) * fraction;
  return { l: between(lower.l, upper.l), m: between(lower.m, upper.m), s: between(lower.s, upper.s) };
}
