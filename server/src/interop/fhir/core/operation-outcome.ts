import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import { AppError } from '../../../platform/index.js';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../../../platform/db/database-unavailable.js';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** Where an OperationOutcome says the app's own error code (so the same catalogue names FHIR refusals). */
export const ERROR_CODE_SYSTEM = 'http://medassist.example/fhir/CodeSystem/error-code';

type IssueType = OperationOutcomeIssue['code'];

/**
 * A FHIR failure with its HTTP status and OperationOutcome issue type; `expression` names the
 * offending element (`Patient.birthDate`). Messages never carry patient data.
 *
 * @example
 * throw new FhirError(422, 'invalid', 'birthDate is not a valid FHIR date.', { expression: ['Patient.birthDate'] });
 */
export class FhirError extends Error {
  constructor(
    readonly status: number,
    readonly issueType: IssueType,
    message: string,
    readonly options: { expression?: string[]; extraIssues?: OperationOutcomeIssue[] } = {},
  ) {
    super(message);
    this.name = 'FhirError';
  }
}

export function outcome(issues: OperationOutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}

export function errorIssue(code: IssueType, diagnostics: string, expression?: string[]): OperationOutcomeIssue {
  return { severity: 'error', code, diagnostics, ...(expression?.length ? { expression } : {}) };
}

const issueTypeByStatus: Record<number, IssueType> = {
  400: 'invalid', 401: 'login', 403: 'forbidden', 404: 'not-found', 405: 'not-supported', 406: 'not-supported',
  409: 'conflict', 412: 'conflict', 413: 'too-costly', 415: 'not-supported', 422: 'processing', 428: 'required', 429: 'throttled',
};

/** Turns any failure into an HTTP status and OperationOutcome; unexpected ones are logged by kind only. */
export function toOutcome(error: unknown, log?: FastifyInstance['log'], requestId?: string): { status: number; body: OperationOutcome } {
  if (error instanceof FhirError) {
    return { status: error.status, body: outcome([errorIssue(error.issueType, error.message, error.options.expression), ...(error.options.extraIssues ?? [])]) };
  }
  if (error instanceof AppError) {
    const issue = errorIssue(issueTypeByStatus[error.status] ?? 'processing', error.message, error.field ? [error.field] : undefined);
    issue.details = { coding: [{ system: ERROR_CODE_SYSTEM, code: error.code }] };
    return { status: error.status, body: outcome([issue]) };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { status: 413, body: outcome([errorIssue('too-costly', 'The request body is larger than the 10 MB limit.')]) };
  }
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return { status: 415, body: outcome([errorIssue('not-supported', 'Send application/fhir+json (or application/json).')]) };
  }
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const isJson = error instanceof SyntaxError || fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fastifyError.code === 'FST_ERR_CTP_EMPTY_JSON_BODY';
    return {
      status: fastifyError.statusCode === 429 ? 429 : 400,
      body: outcome([errorIssue(fastifyError.statusCode === 429 ? 'throttled' : 'structure', isJson ? 'The body is not valid JSON.' : fastifyError.message)]),
    };
  }
  if (isDatabaseUnavailable(error)) {
    log?.error({ err: { name: fastifyError.name, code: fastifyError.code }, requestId }, 'database unavailable');
    return { status: 503, body: outcome([errorIssue('transient', 'The database cannot be reached for a moment (it may be restarting). Try again shortly.')]) };
  }
  log?.error({ err: { name: fastifyError.name, code: fastifyError.code, at: fastifyError.stack?.split('\n').slice(1, 8).join('\n') }, requestId }, 'unhandled FHIR error');
  return { status: 500, body: outcome([errorIssue('exception', `Something went wrong on our side. Request id ${requestId ?? ''}.`)]) };
}

/** Answers a failed FHIR request with its OperationOutcome (and Retry-After when the database is away). */
export function replyWithOutcome(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const { status, body } = toOutcome(error, request.log, String(request.id));
  if (status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  return reply.status(status).type(FHIR_JSON).send(body);
}

/** The FHIR area answers every error as an OperationOutcome (its own handler, encapsulated in the FHIR plugin). */
export function registerFhirErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(replyWithOutcome);
  app.setNotFoundHandler((request, reply) => {
    return reply.status(404).type(FHIR_JSON).send(outcome([errorIssue('not-found', `No FHIR endpoint ${request.method} ${request.url.split('?')[0] ?? ''}.`)]));
  });
}
