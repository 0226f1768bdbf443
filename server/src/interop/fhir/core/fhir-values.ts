import { FhirError } from './operation-outcome.js';

/** FHIR `date`: YYYY, YYYY-MM or YYYY-MM-DD, a real calendar day. */
export function isFhirDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/.test(value)) return false;
  if (value.length < 10) return true;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** FHIR `dateTime`: a date, or a date and time with a time zone. */
export function isFhirDateTime(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (isFhirDate(value)) return true;
  const match = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))$/.exec(value);
  return !!match && isFhirDate(match[1]);
}

export const ID_PATTERN = /^[A-Za-z0-9.-]{1,64}$/;
export const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

const invalid = (expression: string, message: string) => new FhirError(422, 'invalid', message, { expression: [expression] });

interface Checks {
  object(value: unknown, path: string): asserts value is Record<string, unknown>;
  array(value: unknown, path: string): asserts value is unknown[];
  string(value: unknown, path: string): asserts value is string;
  boolean(value: unknown, path: string): asserts value is boolean;
  code(value: unknown, path: string, codes: readonly string[]): void;
  date(value: unknown, path: string): void;
  dateTime(value: unknown, path: string): void;
  each(value: unknown, path: string, item: (element: Record<string, unknown>, elementPath: string) => void): void;
  strings(value: unknown, path: string): void;
}

/** Small structural checks for elements the mapping reads; each failure names the element path. */
export const check: Checks = {
  object(value: unknown, path: string): asserts value is Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(path, `${path} must be an object.`);
  },
  array(value: unknown, path: string): asserts value is unknown[] {
    if (!Array.isArray(value)) throw invalid(path, `${path} must be an array.`);
    if (value.length === 0) throw invalid(path, `${path} must not be an empty array (leave it out instead).`);
  },
  string(value: unknown, path: string): asserts value is string {
    if (typeof value !== 'string' || value.trim() === '') throw invalid(path, `${path} must be a non-empty string.`);
  },
  boolean(value: unknown, path: string): asserts value is boolean {
    if (typeof value !== 'boolean') throw invalid(path, `${path} must be true or false.`);
  },
  code(value: unknown, path: string, codes: readonly string[]): void {
    if (typeof value !== 'string' || !codes.includes(value)) throw invalid(path, `${path} must be one of ${codes.join(', ')}.`);
  },
  date(value: unknown, path: string): void {
    if (!isFhirDate(value)) throw invalid(path, `${path} is not a valid FHIR date (YYYY, YYYY-MM or YYYY-MM-DD).`);
  },
  dateTime(value: unknown, path: string): void {
    if (!isFhirDateTime(value)) throw invalid(path, `${path} is not a valid FHIR dateTime.`);
  },
  /** Optional array of objects: each item passes `item`. */
  each(value: unknown, path: string, item: (element: Record<string, unknown>, elementPath: string) => void): void {
    if (value === undefined) return;
    check.array(value, path);
    value.forEach((element, index) => {
      check.object(element, `${path}[${index}]`);
      item(element, `${path}[${index}]`);
    });
  },
  strings(value: unknown, path: string): void {
    if (value === undefined) return;
    check.array(value, path);
    value.forEach((element, index) => check.string(element, `${path}[${index}]`));
  },
};

export function checkIdentifiers(value: unknown, path: string): void {
  check.each(value, path, (identifier, at) => {
    if (identifier.system !== undefined) check.string(identifier.system, `${at}.system`);
    if (identifier.value !== undefined) check.string(identifier.value, `${at}.value`);
  });
}

export function checkHumanNames(value: unknown, path: string): void {
  check.each(value, path, (name, at) => {
    if (name.family !== undefined) check.string(name.family, `${at}.family`);
    check.strings(name.given, `${at}.given`);
    check.strings(name.prefix, `${at}.prefix`);
    check.strings(name.suffix, `${at}.suffix`);
    if (name.text !== undefined) check.string(name.text, `${at}.text`);
  });
}

export function checkTelecom(value: unknown, path: string): void {
  check.each(value, path, (point, at) => {
    if (point.system !== undefined) check.code(point.system, `${at}.system`, ['phone', 'fax', 'email', 'pager', 'url', 'sms', 'other']);
    if (point.use !== undefined) check.code(point.use, `${at}.use`, ['home', 'work', 'temp', 'old', 'mobile']);
  });
}

export function checkAddresses(value: unknown, path: string): void {
  check.each(value, path, (address, at) => check.strings(address.line, `${at}.line`));
}
