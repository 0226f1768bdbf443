import type { Role } from '../db/platform.table.js';

/** Whoever is making the request, once authenticated: a staff member (session) or a system client (bearer token). */
export type Actor =
  | {
      kind: 'staff';
      id: string;
      organizationId: string;
      name: string;
      roles: Role[];
      sessionId: string;
      csrfToken: string;
      /** False while a role that requires a second factor has not set one up yet. */
      secondFactorPassed: boolean;
    }
  | {
      kind: 'client';
      id: string;
      organizationId: string;
      name: string;
      roles: Role[];
      scopes: string[];
    };
