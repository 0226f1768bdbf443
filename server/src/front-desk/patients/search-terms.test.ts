import { describe, expect, it } from 'vitest';
import { classifySearch, parseBirthDate, phoneDigits } from './search-terms.js';

const today = new Date('2026-11-24T12:00:00Z');

describe('classifySearch', () => {
  it.each([
    ['1984-03-07', '1984-03-07'],
    ['1984/03/07', '1984-03-07'],
    ['03/07/1984', '1984-03-07'],
    ['3/7/1984', '1984-03-07'],
    ['3-7-1984', '1984-03-07'],
    ['3.7.1984', '1984-03-07'],
    ['03071984', '1984-03-07'],
    ['3/7/84', '1984-03-07'],
    ['3/7/19', '2019-03-07'],
    ['Mar 7 1984', '1984-03-07'],
    ['March 7, 1984', '1984-03-07'],
    ['sept. 30, 2001', '2001-09-30'],
    ['7 March 1984', '1984-03-07'],
    ['  12/31/1999 ', '1999-12-31'],
  ])('reads %j as the birth date %s', (typed, date) => {
    expect(classifySearch(typed, today)).toEqual({ kind: 'birth-date', date });
  });

  it.each(['02/30/1984', '13/01/1984', '1984-02-30', 'Foo 7 1984'])('does not take the impossible date %j for a birth date', (typed) => {
    expect(parseBirthDate(typed, today)).toBeNull();
  });

  it('takes a two-digit year as the most recent past year', () => {
    expect(parseBirthDate('1/1/26', today)).toBe('2026-01-01');
    expect(parseBirthDate('1/1/27', today)).toBe('1927-01-01');
  });

  it.each([
    ['217-555-0140', '2175550140'],
    ['(217) 555-0140', '2175550140'],
    ['217.555.0140', '2175550140'],
    ['2175550140', '2175550140'],
    ['+1 217 555 0140', '2175550140'],
    ['1-217-555-0140', '2175550140'],
  ])('reads %j as the phone number %s', (typed, digits) => {
    expect(classifySearch(typed, today)).toEqual({ kind: 'phone', digits });
  });

  it.each([
    ['1000123', '1000123'],
    ['MRN 1000123', '1000123'],
    ['mrn:1000123', '1000123'],
    ['MRN#1000123', '1000123'],
    ['A12345', 'A12345'],
    ['42', '42'],
  ])('reads %j as the MRN %s', (typed, mrn) => {
    expect(classifySearch(typed, today)).toEqual({ kind: 'mrn', mrn });
  });

  it('reads "Given Family" with the first word as the given name and the last as the family name', () => {
    expect(classifySearch('Jonh  Smiht', today)).toEqual({ kind: 'name', text: 'jonh smiht', given: 'jonh', family: 'smiht' });
    expect(classifySearch('Mary Ann Smith', today)).toEqual({ kind: 'name', text: 'mary ann smith', given: 'mary', family: 'smith' });
  });

  it('reads "Family, Given" with the family name first', () => {
    expect(classifySearch('Smith, John', today)).toEqual({ kind: 'name', text: 'john smith', given: 'john', family: 'smith' });
    expect(classifySearch('smith,john', today)).toEqual({ kind: 'name', text: 'john smith', given: 'john', family: 'smith' });
    expect(classifySearch('Smith,', today)).toEqual({ kind: 'name', text: 'smith', given: null, family: 'smith' });
    expect(classifySearch(', John', today)).toEqual({ kind: 'name', text: 'john', given: null, family: 'john' });
  });

  it('reads one word as a family name (the search also tries it as a given name)', () => {
    expect(classifySearch('Katherine', today)).toEqual({ kind: 'name', text: 'katherine', given: null, family: 'katherine' });
    expect(classifySearch("O'Neill", today)).toEqual({ kind: 'name', text: "o'neill", given: null, family: "o'neill" });
  });
});

describe('phoneDigits', () => {
  it('drops the US country code and punctuation', () => {
    expect(phoneDigits('+1 (217) 555-0140')).toBe('2175550140');
    expect(phoneDigits('555-0140')).toBe('5550140');
  });
});
