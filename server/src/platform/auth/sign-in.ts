import { sql, type Kysely } from 'kysely';
import * as otp from 'otplib';
import type { SignInRequest } from '../../../../contracts/platform/session.contract.js';
import { recordAudit, type AuditContext } from '../audit/record-audit.js';
import type { Database } from '../db/schema.js';
import { AppError } from '../http/app-error.js';
import { hashToken, newToken, verifyAgainstDummy, verifyPassword } from './secrets.js';

export interface SignedIn {
  sessionToken: string;
  sessionId: string;
  staffMemberId: string;
}

/**
 * Signs a staff member in: checks the password (argon2id) and, when enrolled, the TOTP code;
 * locks the account after the clinic's threshold of failures; opens a server-side session.
 */
export async function signIn(db: Kysely<Database>, request: SignInRequest, context: Omit<AuditContext, 'actor' | 'organizationId'>): Promise<SignedIn> {
  const username = request.username.toLowerCase();
  const member = await db
    .selectFrom('staffMembers as m')
    .innerJoin('organizationSettings as o', 'o.organizationId', 'm.organizationId')
    .select([
      'm.id', 'm.organizationId', 'm.displayName', 'm.roles', 'm.passwordHash', 'm.totpSecret', 'm.totpEnabled',
      'm.failedSignInCount', 'm.lockedUntil', 'm.isActive', 'o.lockoutThreshold', 'o.lockoutMinutes', 'o.secondFactorRequiredRoles',
    ])
    .where('m.username', '=', username)
    .executeTakeFirst();

  const audit = (organizationId: string | null, action: 'sign-in' | 'sign-in-failed', reason?: string) =>
    recordAudit(db, {
      ...context,
      organizationId,
      actor: member ? { kind: 'staff', id: member.id, organizationId: member.organizationId, name: member.displayName, roles: member.roles, sessionId: '', csrfToken: '', secondFactorPassed: false } : null,
    }, { action, outcome: action === 'sign-in' ? 'success' : 'failure', recordType: 'StaffMember', recordId: member?.id, reason, details: member ? {} : { username } });

  if (!member || !member.isActive) {
    await verifyAgainstDummy(request.password);
    await audit(member?.organizationId ?? null, 'sign-in-failed', member ? 'account inactive' : 'unknown username');
    throw new AppError('SIGN_IN_FAILED');
  }
  if (member.lockedUntil && member.lockedUntil.getTime() > Date.now()) {
    await audit(member.organizationId, 'sign-in-failed', 'account locked');
    throw new AppError('ACCOUNT_LOCKED', { details: { lockedUntil: member.lockedUntil.toISOString() } });
  }

  const recordFailure = async (reason: string) => {
    const updated = await db
      .updateTable('staffMembers')
      .set((eb) => ({
        failedSignInCount: eb('failedSignInCount', '+', 1),
        lockedUntil: sql`case when failed_sign_in_count + 1 >= ${member.lockoutThreshold} then now() + make_interval(mins => ${member.lockoutMinutes}) else null end`,
      }))
      .where('id', '=', member.id)
      .returning(['failedSignInCount', 'lockedUntil'])
      .executeTakeFirstOrThrow();
    await audit(member.organizationId, 'sign-in-failed', reason);
    if (updated.lockedUntil) throw new AppError('ACCOUNT_LOCKED', { details: { lockedUntil: updated.lockedUntil.toISOString() } });
  };

  if (!(await verifyPassword(member.passwordHash, request.password))) {
    await recordFailure('wrong password');
    throw new AppError('SIGN_IN_FAILED');
  }
  if (member.totpEnabled && member.totpSecret) {
    if (!request.totpCode) throw new AppError('SECOND_FACTOR_REQUIRED', { field: 'totpCode' });
    const result = await otp.verify({ secret: member.totpSecret, token: request.totpCode, epochTolerance: 30 });
    if (!result.valid) {
      await recordFailure('wrong second-factor code');
      throw new AppError('SECOND_FACTOR_INVALID', { field: 'totpCode' });
    }
  }
  const needsSetup = !member.totpEnabled && member.roles.some((role) => member.secondFactorRequiredRoles.includes(role));
  const sessionToken = newToken();
  const session = await db.transaction().execute(async (trx) => {
    await trx.updateTable('staffMembers').set({ failedSignInCount: 0, lockedUntil: null }).where('id', '=', member.id).execute();
    const created = await trx
      .insertInto('staffSessions')
      .values({
        organizationId: member.organizationId,
        staffMemberId: member.id,
        tokenHash: hashToken(sessionToken),
        csrfToken: newToken(24),
        secondFactorPassed: !needsSetup,
        clientAddress: context.clientAddress,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      ...context,
      organizationId: member.organizationId,
      actor: { kind: 'staff', id: member.id, organizationId: member.organizationId, name: member.displayName, roles: member.roles, sessionId: created.id, csrfToken: '', secondFactorPassed: !needsSetup },
    }, { action: 'sign-in', recordType: 'Session', recordId: created.id, details: { secondFactor: member.totpEnabled } });
    return created;
  });
  return { sessionToken, sessionId: session.id, staffMemberId: member.id };
}
