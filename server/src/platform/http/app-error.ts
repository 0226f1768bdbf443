import { errorCatalogue, type ErrorCode, type FieldIssue } from '../../../../contracts/errors.js';

/**
 * An expected failure a person can act on. Throw it from a use case; the error handler turns it
 * into `{ error: { code, message, field?, issues?, requestId } }` with the catalogue's status.
 * Messages must never carry patient data.
 *
 * @example
 * throw new AppError('VERSION_CONFLICT', { details: { currentVersion: 4 } });
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly field: string | undefined;
  readonly issues: FieldIssue[] | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    options: { message?: string; field?: string; issues?: FieldIssue[]; details?: Record<string, unknown> } = {},
  ) {
    super(options.message ?? errorCatalogue[code].message);
    this.name = 'AppError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.field = options.field;
    this.issues = options.issues;
    this.details = options.details;
  }
}
