import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import {
  createStaffMemberSchema,
  organizationViewSchema,
  staffDirectoryEntrySchema,
  updateSettingsSchema,
} from '../../../../contracts/platform/organization.contract.js';
import { recordAudit } from '../audit/record-audit.js';
import { hashPassword } from '../auth/secrets.js';
import { AppError } from '../http/app-error.js';

/** The caller's organization (locations, rooms, settings) and its staff accounts. */
export async function organizationRoutes(appInstance: FastifyInstance): Promise<void> {
  const app = appInstance.withTypeProvider<ZodTypeProvider>();

  app.get('/api/organization', { config: { policy: 'organization.view' }, schema: { response: { 200: organizationViewSchema } } }, async (request) => {
    const organizationId = request.actor!.organizationId;
    const organization = await app.db.selectFrom('organizations').select(['id', 'name']).where('id', '=', organizationId).executeTakeFirstOrThrow();
    const settings = await app.db
      .selectFrom('organizationSettings')
      .select(['inactivityTimeoutMinutes', 'lockoutThreshold', 'lockoutMinutes', 'secondFactorRequiredRoles', 'version'])
      .where('organizationId', '=', organizationId)
      .executeTakeFirstOrThrow();
    const locations = await app.db.selectFrom('locations').selectAll().where('organizationId', '=', organizationId).where('isActive', '=', true).orderBy('name').execute();
    const rooms = await app.db.selectFrom('examRooms').selectAll().where('organizationId', '=', organizationId).orderBy('displayOrder').execute();
    return {
      ...organization,
      settings,
      locations: locations.map((location) => ({
        id: location.id, name: location.name, addressLine1: location.addressLine1, city: location.city, state: location.state,
        postalCode: location.postalCode, phone: location.phone, timeZone: location.timeZone,
        examRooms: rooms.filter((room) => room.locationId === location.id).map((room) => ({ id: room.id, name: room.name, isActive: room.isActive })),
      })),
    };
  });

  app.put('/api/organization/settings', { config: { policy: 'organization.manage-settings' }, schema: { body: updateSettingsSchema } }, async (request) => {
    const organizationId = request.actor!.organizationId;
    const { version, ...changes } = request.body;
    return app.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('organizationSettings')
        .set({ ...changes, version: version + 1, updatedAt: sql`now()` })
        .where('organizationId', '=', organizationId)
        .where('version', '=', version)
        .returning(['version'])
        .executeTakeFirst();
      if (!updated) throw new AppError('VERSION_CONFLICT', { field: 'version' });
      await recordAudit(trx, request.auditContext(), { action: 'update', recordType: 'OrganizationSettings', recordId: organizationId, details: changes });
      return { version: updated.version };
    });
  });

  app.get('/api/staff', { config: { policy: 'staff.view-directory' }, schema: { response: { 200: z.object({ staff: z.array(staffDirectoryEntrySchema) }) } } }, async (request) => {
    const rows = await app.db
      .selectFrom('staffMembers')
      .select(['id', 'username', 'displayName', 'credentials', 'roles', 'isActive', 'lockedUntil', 'totpEnabled'])
      .where('organizationId', '=', request.actor!.organizationId)
      .orderBy('displayName')
      .execute();
    return {
      staff: rows.map((row) => ({
        id: row.id, username: row.username, displayName: row.displayName, credentials: row.credentials, roles: row.roles,
        isActive: row.isActive, isLocked: !!row.lockedUntil && row.lockedUntil.getTime() > Date.now(), secondFactorEnabled: row.totpEnabled,
      })),
    };
  });

  app.post('/api/staff', { config: { policy: 'staff.manage' }, schema: { body: createStaffMemberSchema } }, async (request, reply) => {
    const body = request.body;
    const passwordHash = await hashPassword(body.password);
    const created = await app.db.transaction().execute(async (trx) => {
      const taken = await trx.selectFrom('staffMembers').select('id').where('username', '=', body.username).executeTakeFirst();
      if (taken) throw new AppError('USERNAME_TAKEN', { field: 'username' });
      const row = await trx
        .insertInto('staffMembers')
        .values({
          organizationId: request.actor!.organizationId, username: body.username, displayName: body.displayName, credentials: body.credentials,
          roles: body.roles, passwordHash, npi: body.npi ?? null, totpSecret: null, lockedUntil: null, homeLocationId: null,
        })
        .returning(['id'])
        .executeTakeFirstOrThrow();
      await recordAudit(trx, request.auditContext(), { action: 'create', recordType: 'StaffMember', recordId: row.id, details: { roles: body.roles } });
      return row;
    });
    return reply.status(201).send({ id: created.id });
  });

  app.post('/api/staff/:staffMemberId/unlock', { config: { policy: 'staff.unlock' }, schema: { params: z.object({ staffMemberId: z.uuid() }) } }, async (request, reply) => {
    await app.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('staffMembers')
        .set({ lockedUntil: null, failedSignInCount: 0 })
        .where('id', '=', request.params.staffMemberId)
        .where('organizationId', '=', request.actor!.organizationId)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) throw new AppError('STAFF_NOT_FOUND');
      await recordAudit(trx, request.auditContext(), { action: 'update', recordType: 'StaffMember', recordId: request.params.staffMemberId, details: { change: 'unlocked' } });
    });
    return reply.status(204).send();
  });
}
