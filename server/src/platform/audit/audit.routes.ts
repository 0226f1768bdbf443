import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import {
  auditPageSchema,
  auditQuerySchema,
  chainVerificationSchema,
  disclosureReportSchema,
  recordDisclosureSchema,
} from '../../../../contracts/platform/audit.contract.js';
import { AppError } from '../http/app-error.js';
import { recordAudit } from './record-audit.js';
import { verifyAuditChain } from './verify-audit-chain.js';

const SIX_YEARS_DAYS = 6 * 365 + 2;

/** The manager's audit view, chain verification, disclosures and the accounting-of-disclosures report. */
export async function auditRoutes(appInstance: FastifyInstance): Promise<void> {
  const app = appInstance.withTypeProvider<ZodTypeProvider>();

  app.get('/api/audit/events', { config: { policy: 'audit.view' }, schema: { querystring: auditQuerySchema, response: { 200: auditPageSchema } } }, async (request) => {
    const organizationId = request.actor!.organizationId;
    const { patientId, staffMemberId, from, to, action, limit, before } = request.query;
    let query = request.server.db
      .selectFrom('auditEvents as a')
      .leftJoin('patients as p', (join) => join.onRef('p.id', '=', 'a.patientId').on('p.organizationId', '=', organizationId))
      .select([
        'a.id', 'a.occurredAt', 'a.actorKind', 'a.actorName', 'a.actorRoles', 'a.action', 'a.outcome', 'a.recordType',
        'a.recordId', 'a.patientId', 'a.clientAddress', 'a.reason', 'a.chainPosition',
        sql<string | null>`case when p.id is null then null else p.family_name || ', ' || p.given_name end`.as('patientName'),
      ])
      .where('a.organizationId', '=', organizationId)
      .orderBy('a.id', 'desc')
      .limit(limit + 1);
    if (patientId) query = query.where('a.patientId', '=', patientId);
    if (staffMemberId) query = query.where('a.actorId', '=', staffMemberId);
    if (from) query = query.where('a.occurredAt', '>=', new Date(`${from}T00:00:00Z`));
    if (to) query = query.where('a.occurredAt', '<', sql<Date>`${to}::date + 1`);
    if (action) query = query.where('a.action', '=', action);
    if (before) query = query.where('a.id', '<', before);
    const rows = await query.execute();
    await recordAudit(request.server.db, request.auditContext(), {
      action: 'search', recordType: 'AuditEvent', patientId: patientId ?? null, details: { patientId, staffMemberId, from, to, action },
    });
    const page = rows.slice(0, limit);
    return {
      entries: page.map((row) => ({
        id: Number(row.id), occurredAt: row.occurredAt.toISOString(), actorKind: row.actorKind, actorName: row.actorName,
        actorRoles: row.actorRoles, action: row.action, outcome: row.outcome, recordType: row.recordType, recordId: row.recordId,
        patientId: row.patientId, patientName: row.patientName, clientAddress: row.clientAddress, reason: row.reason,
        sealed: row.chainPosition !== null,
      })),
      nextBefore: rows.length > limit ? Number(page[page.length - 1]!.id) : null,
    };
  });

  app.get('/api/audit/verification', { config: { policy: 'audit.verify' }, schema: { response: { 200: chainVerificationSchema } } }, async () =>
    verifyAuditChain(app.db),
  );

  app.post('/api/audit/disclosures', { config: { policy: 'disclosure.record' }, schema: { body: recordDisclosureSchema } }, async (request, reply) => {
    const actor = request.actor!;
    const body = request.body;
    const id = await app.db.transaction().execute(async (trx) => {
      const patient = await trx.selectFrom('patients').select('id').where('id', '=', body.patientId).where('organizationId', '=', actor.organizationId).executeTakeFirst();
      if (!patient) throw new AppError('PATIENT_NOT_FOUND', { field: 'patientId' });
      const created = await trx.insertInto('disclosures').values({ ...body, organizationId: actor.organizationId, recordedBy: actor.id }).returning('id').executeTakeFirstOrThrow();
      await recordAudit(trx, request.auditContext(), { action: 'disclose', recordType: 'Disclosure', recordId: created.id, patientId: body.patientId, reason: body.purpose, details: { recipient: body.recipient } });
      return created.id;
    });
    return reply.status(201).send({ id });
  });

  app.get('/api/audit/disclosures/:patientId', {
    config: { policy: 'disclosure.report' },
    schema: { params: z.object({ patientId: z.uuid() }), response: { 200: disclosureReportSchema } },
  }, async (request) => {
    const organizationId = request.actor!.organizationId;
    const { patientId } = request.params;
    return app.db.transaction().execute(async (trx) => {
      const patient = await trx.selectFrom('patients').select('id').where('id', '=', patientId).where('organizationId', '=', organizationId).executeTakeFirst();
      if (!patient) throw new AppError('PATIENT_NOT_FOUND', { field: 'patientId' });
      // 45 CFR 164.528: disclosures in the six years before the request.
      const since = new Date(Date.now() - SIX_YEARS_DAYS * 86_400_000);
      const recorded = await trx
        .selectFrom('disclosures as d')
        .innerJoin('staffMembers as s', 's.id', 'd.recordedBy')
        .select(['d.disclosedAt', 'd.recipient', 'd.description', 'd.purpose', 's.displayName'])
        .where('d.organizationId', '=', organizationId)
        .where('d.patientId', '=', patientId)
        .where('d.disclosedAt', '>=', since)
        .execute();
      const exports = await trx
        .selectFrom('auditEvents')
        .select(['occurredAt', 'actorName', 'recordType', 'reason'])
        .where('organizationId', '=', organizationId)
        .where('patientId', '=', patientId)
        .where('action', '=', 'export')
        .where('actorKind', '=', 'client')
        .where('occurredAt', '>=', since)
        .execute();
      await recordAudit(trx, request.auditContext(), { action: 'read', recordType: 'DisclosureReport', patientId });
      const disclosures = [
        ...recorded.map((row) => ({
          disclosedAt: new Date(row.disclosedAt).toISOString(), recipient: row.recipient, description: row.description,
          purpose: row.purpose, recordedBy: row.displayName, source: 'recorded-disclosure' as const,
        })),
        ...exports.map((row) => ({
          disclosedAt: row.occurredAt.toISOString(), recipient: row.actorName, description: `Electronic export (${row.recordType ?? 'records'})`,
          purpose: row.reason ?? 'System export', recordedBy: 'Medassist', source: 'system-export' as const,
        })),
      ].sort((a, b) => a.disclosedAt.localeCompare(b.disclosedAt));
      return { patientId, from: since.toISOString(), to: new Date().toISOString(), disclosures };
    });
  });

  app.get('/api/manager-alerts', { config: { policy: 'manager-alert.view' } }, async (request) => {
    const rows = await app.db
      .selectFrom('managerAlerts')
      .select(['id', 'kind', 'message', 'patientId', 'staffMemberId', 'createdAt', 'acknowledgedAt'])
      .where('organizationId', '=', request.actor!.organizationId)
      .orderBy('createdAt', 'desc')
      .limit(100)
      .execute();
    return { alerts: rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString(), acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null })) };
  });

  app.post('/api/manager-alerts/:alertId/acknowledge', {
    config: { policy: 'manager-alert.acknowledge' },
    schema: { params: z.object({ alertId: z.uuid() }) },
  }, async (request, reply) => {
    const updated = await app.db
      .updateTable('managerAlerts')
      .set({ acknowledgedAt: new Date(), acknowledgedBy: request.actor!.id })
      .where('id', '=', request.params.alertId)
      .where('organizationId', '=', request.actor!.organizationId)
      .where('acknowledgedAt', 'is', null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw new AppError('NOT_FOUND');
    return reply.status(204).send();
  });
}
