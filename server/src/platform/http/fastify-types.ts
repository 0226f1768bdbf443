import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import type { Actor } from '../auth/actor.js';
import type { AuditContext } from '../audit/record-audit.js';
import type { Database } from '../db/schema.js';
import type { Engine } from '../db/database.js';
import type { RoutePolicy } from '../policy/policy-table.js';
import type { StaffSessionCache } from '../auth/staff-session-cache.js';

export interface RegisteredRoute {
  method: string;
  url: string;
  policy: RoutePolicy | undefined;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The policy action this route performs, or 'public'. Every route must name one. */
    policy?: RoutePolicy;
  }
  interface FastifyInstance {
    db: Kysely<Database>;
    engine: Engine;
    config: Config;
    /** Staff sessions looked up recently (see StaffSessionCache for how they are forgotten). */
    staffSessions: StaffSessionCache;
    /** Every route registered, with its policy: what the route-policy test walks. */
    registeredRoutes: RegisteredRoute[];
  }
  interface FastifyRequest {
    actor: Actor | null;
    /** Why authentication found no actor, when a credential was presented but is no longer valid. */
    authProblem: 'SESSION_EXPIRED' | null;
    auditContext(): AuditContext;
  }
}
