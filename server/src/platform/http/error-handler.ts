import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { errorCatalogue, type ErrorBody, type FieldIssue } from '../../../../contracts/errors.js';
import { AppError } from './app-error.js';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../db/database-unavailable.js';

/**
 * One place that turns failures into `{ error: { code, message, field?, issues?, requestId } }`.
 * A database that cannot be reached is answered 503 with Retry-After. Anything unexpected is logged
 * with its request id only (no patient data) and answered as 500.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const requestId = String(request.id);
    const send = (status: number, body: ErrorBody) => reply.status(status).send(body);

    if (error instanceof AppError) {
      return send(error.status, {
        error: {
          ...error.details,
          code: error.code,
          message: error.message,
          ...(error.field ? { field: error.field } : {}),
          ...(error.issues ? { issues: error.issues } : {}),
          requestId,
        },
      });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const prefix = error.validationContext === 'body' ? '' : `${error.validationContext}.`;
      const issues: FieldIssue[] = error.validation.map((issue) => {
        const path = issue.instancePath.split('/').filter(Boolean).join('.');
        const keys = (issue.params as { keys?: string[] }).keys;
        if (issue.keyword === 'unrecognized_keys' && keys?.length) {
          return { field: prefix + (path ? `${path}.${keys[0]!}` : keys[0]!), message: `Unknown field: ${keys.join(', ')}` };
        }
        return { field: prefix + (path || '(body)'), message: issue.message ?? 'Not valid.' };
      });
      return send(400, {
        error: { code: 'VALIDATION_FAILED', message: errorCatalogue.VALIDATION_FAILED.message, field: issues[0]?.field, issues, requestId },
      });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return send(400, {
        error: { code: 'BODY_TOO_LARGE', message: 'The request body is larger than the 1 MB limit.', field: '(body)', requestId },
      });
    }
    if (error.code === 'FST_ERR_RATE_LIMIT_EXCEEDED' || error.statusCode === 429) {
      return send(429, { error: { code: 'RATE_LIMITED', message: errorCatalogue.RATE_LIMITED.message, requestId } });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      // Malformed JSON, wrong content type, empty body and the like: Fastify's own 4xx.
      const detail = error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY'
        ? 'The body is not valid JSON.'
        : error.message;
      return send(error.statusCode === 415 ? 415 : 400, {
        error: { code: 'MALFORMED_REQUEST', message: detail, field: '(body)', requestId },
      });
    }
    if (isDatabaseUnavailable(error)) {
      request.log.error({ err: { name: error.name, code: error.code }, requestId }, 'database unavailable');
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return send(503, { error: { code: 'SERVICE_UNAVAILABLE', message: errorCatalogue.SERVICE_UNAVAILABLE.message, requestId } });
    }
    // Driver messages can quote row values (patient data), so only the kind, code and call sites are logged.
    const withConstraint = error as FastifyError & { constraint?: string };
    request.log.error(
      { err: { name: error.name, code: error.code, constraint: withConstraint.constraint, at: error.stack?.split('\n').slice(1, 8).join('\n') }, requestId },
      'unhandled error',
    );
    return send(500, { error: { code: 'INTERNAL_ERROR', message: errorCatalogue.INTERNAL_ERROR.message, requestId } });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'No such endpoint.', requestId: String(request.id) } } satisfies ErrorBody);
  });
}
