import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import * as otp from 'otplib';
import {
  secondFactorConfirmSchema,
  secondFactorSetupSchema,
  sessionViewSchema,
  signInRequestSchema,
  type SessionView,
} from '../../../../contracts/platform/session.contract.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../http/app-error.js';
import { decide, policyTable, type PolicyAction } from '../policy/policy-table.js';
import type { Actor } from './actor.js';
import { authenticate, SESSION_COOKIE } from './authenticate.js';
import { hashToken } from './secrets.js';
import { signIn } from './sign-in.js';

type StaffActor = Extract<Actor, { kind: 'staff' }>;

function staffActor(actor: Actor | null): StaffActor {
  if (actor?.kind !== 'staff') throw new AppError('NOT_SIGNED_IN');
  return actor;
}

async function loadSessionView(app: FastifyInstance, actor: StaffActor): Promise<SessionView> {
  const row = await app.db
    .selectFrom('staffMembers as m')
    .innerJoin('organizations as o', 'o.id', 'm.organizationId')
    .innerJoin('organizationSettings as s', 's.organizationId', 'm.organizationId')
    .select(['m.id', 'm.username', 'm.displayName', 'm.credentials', 'm.roles', 'm.organizationId', 'o.name as organizationName', 'm.totpEnabled', 's.inactivityTimeoutMinutes'])
    .where('m.id', '=', actor.id)
    .executeTakeFirstOrThrow();
  const roles = row.roles.filter((role) => role !== ('integration' as string));
  return {
    staffMember: {
      id: row.id,
      username: row.username,
      displayName: row.displayName,
      credentials: row.credentials,
      roles: roles as SessionView['staffMember']['roles'],
      organizationId: row.organizationId,
      organizationName: row.organizationName,
      secondFactorEnabled: row.totpEnabled,
    },
    csrfToken: actor.csrfToken,
    inactivityTimeoutMinutes: row.inactivityTimeoutMinutes,
    secondFactorSetupRequired: !actor.secondFactorPassed,
    allowedActions: (Object.keys(policyTable) as PolicyAction[]).filter((action) => decide(action, actor.roles).allowed),
  };
}

function setSessionCookie(app: FastifyInstance, reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: app.config.cookieSecure, path: '/' });
}

/** Sign-in, the current session, sign-out and second-factor enrolment. */
export async function sessionRoutes(appInstance: FastifyInstance): Promise<void> {
  const app = appInstance.withTypeProvider<ZodTypeProvider>();

  app.post('/api/session', {
    config: { policy: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
    schema: { body: signInRequestSchema, response: { 200: sessionViewSchema } },
  }, async (request, reply) => {
    const signedIn = await signIn(app.db, request.body, { clientAddress: request.ip, requestId: String(request.id) });
    setSessionCookie(app, reply, signedIn.sessionToken);
    request.cookies[SESSION_COOKIE] = signedIn.sessionToken;
    await authenticate(app.db, app.staffSessions, request);
    return loadSessionView(app, staffActor(request.actor));
  });

  app.get('/api/session', { config: { policy: 'session.view-own' }, schema: { response: { 200: sessionViewSchema } } }, async (request) =>
    loadSessionView(app, staffActor(request.actor)),
  );

  app.delete('/api/session', { config: { policy: 'session.sign-out' } }, async (request, reply) => {
    const actor = staffActor(request.actor);
    await app.db.transaction().execute(async (trx) => {
      await trx.updateTable('staffSessions').set({ endedAt: sql`now()`, endReason: 'signed out' }).where('id', '=', actor.sessionId).execute();
      await recordAudit(trx, request.auditContext(), { action: 'sign-out', recordType: 'Session', recordId: actor.sessionId });
    });
    // this process's next request must not find the ended session kept (other processes hear the trigger)
    app.staffSessions.clear();
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  app.post('/api/session/second-factor/setup', {
    config: { policy: 'session.manage-second-factor' },
    schema: { response: { 200: secondFactorSetupSchema } },
  }, async (request) => {
    const actor = staffActor(request.actor);
    const member = await app.db.selectFrom('staffMembers').select(['username', 'totpEnabled']).where('id', '=', actor.id).executeTakeFirstOrThrow();
    if (member.totpEnabled) throw new AppError('VALIDATION_FAILED', { field: 'secondFactor', message: 'A second factor is already set up for this account.' });
    const secret = otp.generateSecret();
    await app.db.updateTable('staffMembers').set({ totpSecret: secret }).where('id', '=', actor.id).execute();
    return { secret, otpauthUri: otp.generateURI({ issuer: 'Medassist', label: member.username, secret }) };
  });

  app.post('/api/session/second-factor/confirm', {
    config: { policy: 'session.manage-second-factor' },
    schema: { body: secondFactorConfirmSchema, response: { 200: sessionViewSchema } },
  }, async (request) => {
    const actor = staffActor(request.actor);
    const member = await app.db.selectFrom('staffMembers').select(['totpSecret']).where('id', '=', actor.id).executeTakeFirstOrThrow();
    if (!member.totpSecret) throw new AppError('VALIDATION_FAILED', { field: 'code', message: 'Start the set-up first.' });
    const result = await otp.verify({ secret: member.totpSecret, token: request.body.code, epochTolerance: 30 });
    if (!result.valid) throw new AppError('SECOND_FACTOR_INVALID', { field: 'code' });
    await app.db.transaction().execute(async (trx) => {
      await trx.updateTable('staffMembers').set((eb) => ({ totpEnabled: true, version: eb('version', '+', 1) })).where('id', '=', actor.id).execute();
      await trx.updateTable('staffSessions').set({ secondFactorPassed: true }).where('id', '=', actor.sessionId).execute();
      await recordAudit(trx, request.auditContext(), { action: 'update', recordType: 'StaffMember', recordId: actor.id, details: { change: 'second factor enabled' } });
    });
    return loadSessionView(app, { ...actor, secondFactorPassed: true });
  });
}

export { hashToken };
