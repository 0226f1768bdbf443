import type { FastifyRequest } from 'fastify';
import type { FlowContext } from './move-visit.js';

/** The flow use cases' context from a signed-in request. */
export function flowContext(request: FastifyRequest): FlowContext {
  const actor = request.actor!;
  return { ...request.auditContext(), organizationId: actor.organizationId, staffMemberId: actor.kind === 'staff' ? actor.id : null, roles: actor.roles };
}
