import type { z } from 'zod';
import { AppError } from '../../platform/index.js';

/**
 * Checks input from callers that bypass the HTTP schemas (FHIR mapping, import) against the same
 * contract and throws 400 with one issue per field, so every door applies one set of rules.
 */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown, prefix = ''): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    field: prefix + (issue.path.length ? issue.path.join('.') : '(body)'),
    message: issue.message,
  }));
  throw new AppError('VALIDATION_FAILED', { field: issues[0]?.field, issues });
}
