import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../http/app-error.js';
import { recordAudit } from '../audit/record-audit.js';
import { authenticate } from '../auth/authenticate.js';
import { decide, isPolicyAction, PUBLIC } from './policy-table.js';
import type { RegisteredRoute } from '../http/fastify-types.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SECOND_FACTOR_SETUP_ACTIONS = new Set(['session.view-own', 'session.sign-out', 'session.manage-second-factor']);

/** Routes whose policy is missing or names no action in the table: each is a defect (and is refused at run time). */
export function routesWithoutPolicy(routes: readonly RegisteredRoute[]): RegisteredRoute[] {
  return routes.filter((route) => route.policy !== PUBLIC && !isPolicyAction(route.policy));
}

/**
 * The gate every request passes: who is calling (session or bearer token), the route's policy
 * action against the caller's roles (deny by default, refusals audited), and the CSRF token for
 * state-changing requests made with a session cookie.
 */
export function registerAccessControl(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) app.registeredRoutes.push({ method, url: route.url, policy: route.config?.policy });
  });

  app.addHook('onRequest', async (request: FastifyRequest, _reply: FastifyReply) => {
    const policy = request.routeOptions.config?.policy;
    if (policy === PUBLIC) return;
    if (!request.routeOptions.url) return; // not-found handler
    if (!isPolicyAction(policy)) {
      request.log.error({ route: request.routeOptions.url }, 'route has no policy entry; refused');
      throw new AppError('FORBIDDEN_BY_POLICY', { message: 'This endpoint has no access policy, so it is refused.' });
    }
    await authenticate(app.db, app.staffSessions, request);
    const actor = request.actor;
    if (!actor) throw new AppError(request.authProblem ?? 'NOT_SIGNED_IN');
    if (actor.kind === 'staff' && !actor.secondFactorPassed && !SECOND_FACTOR_SETUP_ACTIONS.has(policy)) {
      throw new AppError('SECOND_FACTOR_SETUP_REQUIRED');
    }
    const decision = decide(policy, actor.roles);
    if (!decision.allowed) {
      await recordAudit(app.db, request.auditContext(), {
        action: 'policy-refused',
        outcome: 'refused',
        reason: decision.reason,
        details: { policy, method: request.method, route: request.routeOptions.url },
      });
      throw new AppError('FORBIDDEN_BY_POLICY', { message: decision.reason, details: { policy } });
    }
    if (actor.kind === 'staff' && !SAFE_METHODS.has(request.method) && request.headers['x-csrf-token'] !== actor.csrfToken) {
      throw new AppError('CSRF_TOKEN_INVALID');
    }
  });
}
