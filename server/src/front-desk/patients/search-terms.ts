/** What the single search box was given: an MRN, a phone number, a date of birth, or a name. */
export type SearchTerm =
  | { kind: 'mrn'; mrn: string }
  | { kind: 'phone'; digits: string }
  | { kind: 'birth-date'; date: string }
  | { kind: 'name'; text: string; given: string | null; family: string };

function validDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

function twoDigitYear(yy: number, today: Date): number {
  const century = yy + 2000 <= today.getUTCFullYear() ? 2000 : 1900;
  return century + yy;
}

const monthNames = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** 1–12 for a month written out or shortened to at least three letters ("Mar", "Sept."). */
function monthNumber(word: string): number | null {
  const lowered = word.toLowerCase().replace(/\.$/, '');
  if (lowered.length < 3) return null;
  const index = monthNames.findIndex((month) => month.startsWith(lowered));
  return index === -1 ? null : index + 1;
}

/**
 * Reads a birth date typed the ways US front desks type them: 1984-03-07, 1984/03/07, 03/07/1984,
 * 3/7/1984, 3-7-84, 3.7.1984, 03071984, Mar 7 1984, March 7, 1984, 7 March 1984. Two-digit years
 * are taken as the most recent past year.
 */
export function parseBirthDate(input: string, today = new Date()): string | null {
  const text = input.trim();
  let match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(text);
  if (match) return validDate(Number(match[1]), Number(match[2]), Number(match[3]));
  match = /^([a-z]{3,9}\.?) (\d{1,2}),? (\d{4})$/i.exec(text);
  if (match) {
    const month = monthNumber(match[1]!);
    return month ? validDate(Number(match[3]), month, Number(match[2])) : null;
  }
  match = /^(\d{1,2}) ([a-z]{3,9}\.?),? (\d{4})$/i.exec(text);
  if (match) {
    const month = monthNumber(match[2]!);
    return month ? validDate(Number(match[3]), month, Number(match[1])) : null;
  }
  match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$/.exec(text);
  if (match) {
    const year = match[3]!.length === 2 ? twoDigitYear(Number(match[3]), today) : Number(match[3]);
    return validDate(year, Number(match[1]), Number(match[2]));
  }
  match = /^(\d{2})(\d{2})(\d{4})$/.exec(text);
  if (match) return validDate(Number(match[3]), Number(match[1]), Number(match[2]));
  return null;
}

export function phoneDigits(input: string): string {
  const digits = input.replace(/\D/g, '');
  return digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
}

/** Classifies what was typed in the search box. */
export function classifySearch(input: string, today = new Date()): SearchTerm {
  const text = input.trim().replace(/\s+/g, ' ');
  const birthDate = parseBirthDate(text, today);
  if (birthDate) return { kind: 'birth-date', date: birthDate };
  if (/^[\d\s().+-]+$/.test(text)) {
    const digits = phoneDigits(text);
    if (digits.length === 10) return { kind: 'phone', digits };
    if (/^\d{1,9}$/.test(text.replace(/\s/g, ''))) return { kind: 'mrn', mrn: text.replace(/\s/g, '') };
  }
  if (/^(mrn[:# ]*)?[a-z]*\d[a-z\d-]*$/i.test(text)) return { kind: 'mrn', mrn: text.replace(/^mrn[:# ]*/i, '') };
  const lowered = text.toLowerCase();
  if (lowered.includes(',')) {
    const [family = '', given = ''] = lowered.split(',', 2).map((part) => part.trim());
    if (!family) return { kind: 'name', text: given, given: null, family: given };
    return { kind: 'name', text: `${given} ${family}`.trim(), given: given || null, family };
  }
  const words = lowered.split(' ');
  if (words.length === 1) return { kind: 'name', text: lowered, given: null, family: lowered };
  return { kind: 'name', text: lowered, given: words[0]!, family: words[words.length - 1]! };
}
