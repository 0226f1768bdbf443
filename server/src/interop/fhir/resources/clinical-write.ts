import { AppError } from '../../../platform/index.js';
import type { AuditContext } from '../../../platform/audit/record-audit.js';
import { FhirError } from '../core/operation-outcome.js';
import type { FhirContext } from '../core/resource-definition.js';

/** The exam room's write context (audit context, organization, staff id) for a FHIR caller. */
export function historyContextOf(context: FhirContext): AuditContext & { organizationId: string; staffMemberId: string | null } {
  return { ...context.audit, organizationId: context.organizationId, staffMemberId: context.actor.kind === 'staff' ? context.actor.id : null };
}

/**
 * Runs an exam-room write and turns its refusals into FHIR ones: invalid content (the app's 400
 * with field issues) becomes 422 naming the FHIR element (`paths` maps the app's field names to
 * element paths; fields already given as paths pass through); a missing record it refers to, 422 too.
 */
export async function asFhirRefusal<T>(work: () => Promise<T>, paths: Record<string, string>, fallbackPath?: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw fhirRefusalOf(error, paths, fallbackPath);
  }
}

/** The FHIR refusal for an exam-room error (see asFhirRefusal); other errors come back as they are. */
export function fhirRefusalOf(error: unknown, paths: Record<string, string>, fallbackPath?: string): unknown {
  if (!(error instanceof AppError) || (error.status !== 400 && error.status !== 404)) return error;
  const issues = error.issues?.length ? error.issues : [{ field: error.field ?? '', message: error.message }];
  const pathOf = (field: string) => paths[field] ?? (/^[A-Z]/.test(field) ? field : (fallbackPath ?? field));
  return new FhirError(422, error.status === 404 ? 'not-found' : 'invalid', issues.map((issue) => issue.message).join(' '), {
    expression: [...new Set(issues.map((issue) => pathOf(issue.field)).filter((path) => path !== ''))],
  });
}
