import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  addMedicationRequestSchema,
  allergyListSchema,
  allergyParamsSchema,
  allergyStatementRequestSchema,
  confirmDiagnosisRequestSchema,
  enteredInErrorRequestSchema,
  historyEntriesQuerySchema,
  historyEntryListSchema,
  historyEntrySchema,
  immunizationListSchema,
  immunizationSchema,
  medicationListSchema,
  patientParamsSchema,
  problemListSchema,
  problemParamsSchema,
  problemSchema,
  reconcileMedicationsRequestSchema,
  recordAllergyRequestSchema,
  recordHistoryEntryRequestSchema,
  recordImmunizationRequestSchema,
  recordProblemRequestSchema,
  saveSocialHistoryRequestSchema,
  socialHistorySchema,
} from '../../../../contracts/exam-room/histories.js';
import { recordAudit } from '../../platform/index.js';
import { findAllergyList, markAllergyEnteredInError, recordAllergy, stateNoKnownAllergies } from './allergies.js';
import { findHistoryEntries, recordHistoryEntry, toHistoryEntry } from './history-entries.js';
import { getPatientForHistory, requireVersion, staffRefs, versionFrom, type HistoryContext } from './history-context.js';
import { findImmunizations, recordImmunization, toImmunization } from './immunizations.js';
import { getMedicationList, reconcileMedications, recordMedication } from './medications.js';
import { confirmDiagnosis, findProblems, recordProblem, toProblemView } from './problems.js';
import { getSocialHistory, saveSocialHistory } from './social-history.js';

function historyContext(request: FastifyRequest): HistoryContext {
  const actor = request.actor!;
  return { ...request.auditContext(), organizationId: actor.organizationId, staffMemberId: actor.kind === 'staff' ? actor.id : null };
}

/** Allergies, medications, problems, history entries, social history and historical immunizations of a patient. */
export async function historiesRoutes(appInstance: FastifyInstance): Promise<void> {
  const app = appInstance.withTypeProvider<ZodTypeProvider>();

  // ---- Allergies

  app.get('/api/patients/:patientId/allergies', {
    config: { policy: 'history.read' },
    schema: { params: patientParamsSchema, response: { 200: allergyListSchema } },
  }, async (request) => {
    const { patientId } = request.params;
    return app.db.transaction().execute(async (trx) => {
      const context = historyContext(request);
      await getPatientForHistory(trx, context, patientId);
      const list = await findAllergyList(trx, context.organizationId, patientId);
      await recordAudit(trx, context, { action: 'read', recordType: 'AllergyIntolerance', patientId });
      return list;
    });
  });

  app.post('/api/patients/:patientId/allergies', {
    config: { policy: 'allergy.record' },
    schema: { params: patientParamsSchema, body: recordAllergyRequestSchema, response: { 201: allergyListSchema } },
  }, async (request, reply) => {
    const context = historyContext(request);
    const { patientId } = request.params;
    const list = await app.db.transaction().execute(async (trx) => {
      await recordAllergy(trx, context, patientId, request.body, { source: 'app' });
      return findAllergyList(trx, context.organizationId, patientId);
    });
    return reply.status(201).send(list);
  });

  app.post('/api/patients/:patientId/allergy-statement', {
    config: { policy: 'allergy.record' },
    schema: { params: patientParamsSchema, body: allergyStatementRequestSchema, response: { 201: allergyListSchema } },
  }, async (request, reply) => {
    const context = historyContext(request);
    const { patientId } = request.params;
    const list = await app.db.transaction().execute(async (trx) => {
      await stateNoKnownAllergies(trx, context, patientId, request.body.statement);
      return findAllergyList(trx, context.organizationId, patientId);
    });
    return reply.status(201).send(list);
  });

  app.post('/api/allergies/:allergyId/entered-in-error', {
    config: { policy: 'allergy.record' },
    schema: { params: allergyParamsSchema, body: enteredInErrorRequestSchema.partial({ version: true }), response: { 200: allergyListSchema } },
  }, async (request) => {
    const context = historyContext(request);
    const version = requireVersion(versionFrom(request.body.version, request.headers['if-match']));
    return app.db.transaction().execute(async (trx) => {
      const patientId = await markAllergyEnteredInError(trx, context, request.params.allergyId, version, request.body.reason);
      return findAllergyList(trx, context.organizationId, patientId);
    });
  });

  // ---- Medications

  app.get('/api/patients/:patientId/medications', {
    config: { policy: 'history.read' },
    schema: { params: patientParamsSchema, response: { 200: medicationListSchema } },
  }, async (request, reply) => {
    const { patientId } = request.params;
    const list = await app.db.transaction().execute(async (trx) => {
      const context = historyContext(request);
      await getPatientForHistory(trx, context, patientId);
      const result = await getMedicationList(trx, context.organizationId, patientId);
      await recordAudit(trx, context, { action: 'read', recordType: 'MedicationStatement', patientId });
      return result;
    });
    return reply.header('etag', `W/"${list.listVersion}"`).send(list);
  });

  app.post('/api/patients/:patientId/medications', {
    config: { policy: 'medication.reconcile' },
    schema: { params: patientParamsSchema, body: addMedicationRequestSchema, response: { 201: medicationListSchema } },
  }, async (request, reply) => {
    const context = historyContext(request);
    const { patientId } = request.params;
    const listVersion = requireVersion(versionFrom(request.body.listVersion, request.headers['if-match']), 'listVersion');
    const list = await app.db.transaction().execute(async (trx) => {
      await recordMedication(trx, context, patientId, request.body.medication, { source: 'app', listVersion });
      return getMedicationList(trx, context.organizationId, patientId);
    });
    return reply.status(201).header('etag', `W/"${list.listVersion}"`).send(list);
  });

  app.post('/api/patients/:patientId/medications/reconciliation', {
    config: { policy: 'medication.reconcile' },
    schema: { params: patientParamsSchema, body: reconcileMedicationsRequestSchema, response: { 200: medicationListSchema } },
  }, async (request, reply) => {
    const context = historyContext(request);
    const { patientId } = request.params;
    const listVersion = requireVersion(versionFrom(request.body.listVersion, request.headers['if-match']), 'listVersion');
    const list = await app.db.transaction().execute(async (trx) => {
      await reconcileMedications(trx, context, patientId, listVersion, request.body.items);
      return getMedicationList(trx, context.organizationId, patientId);
    });
    return reply.header('etag', `W/"${list.listVersion}"`).send(list);
  });

  // ---- Problems

  app.get('/api/patients/:patientId/problems', {
    config: { policy: 'history.read' },
    schema: { params: patientParamsSchema, response: { 200: problemListSchema } },
  }, async (request) => {
    const { patientId } = request.params;
    return app.db.transaction().execute(async (trx) => {
      const context = historyContext(request);
      await getPatientForHistory(trx, context, patientId);
      const problems = await findProblems(trx, context.organizationId, patientId);
      await recordAudit(trx, context, { action: 'read', recordType: 'Condition', patientId });
      return { problems };
    });
  });

  app.post('/api/patients/:patientId/problems', {
    config: { policy: 'problem.record-reported' },
    schema: { params: patientParamsSchema, body: recordProblemRequestSchema, response: { 201: problemSchema } },
  }, async (request, reply) => {
    const context = historyContext(request);
    const problem = await app.db.transaction().execute(async (trx) => {
      const row = await recordProblem(trx, context, request.params.patientId, request.body, { source: 'app' });
      return toProblemView(trx, row);
    });
    return reply.status(201).send(problem);
  });

  app.post('/api/problems/:problemId/confirm', {
    config: { policy: 'problem.confirm-diagnosis' },
    schema: { params: problemParamsSchema, body: confirmDiagnosisRequestSchema.partial({ version: true }), response: { 200: problemSchema } },
  }, async (request) => {
    const context = historyContext(request);
    const version = requireVersion(versionFrom(request.body.version, request.headers['if-match']));
    return app.db.transaction().execute(async (trx) => {
      const row = await confirmDiagnosis(trx, context, request.params.problemId, { ...request.body, version });
      return toProblemView(trx, row);
    });
  });

  // ---- Past medical, surgical, family and social history entries

  app.get('/api/patients/:patientId/history-entries', {
    config: { policy: 'history.read' },
    schema: { params: patientParamsSchema, querystring: historyEntriesQuerySchema, response: { 200: historyEntryListSchema } },
  }, async (request) => {
    const { patientId } = request.params;
    return app.db.transaction().execute(async (trx) => {
      const context = historyContext(request);
      await getPatientForHistory(trx, context, patientId);
      const entries = await findHistoryEntries(trx, context.organizationId, patientId, request.query.kind);
      await recordAudit(trx, context, { action: 'read', recordType: 'HistoryEntry', patientId, details: request.query.kind ? { kind: request.query.kind } : undefined });
      return { entries };
    });
  });

  app.post('/api/patients/:patientId/history-entries', {
    config: { policy: 'history.record' },
    schema: { params: patientParamsSchema, body: recordHistoryEntryRequestSchema, response: { 201: historyEntrySchema } },
  }, async (request, reply) => {
    const context = historyContext(request);
    const entry = await app.db.transaction().execute(async (trx) => {
      const row = await recordHistoryEntry(trx, context, request.params.patientId, request.body);
      return toHistoryEntry(row, await staffRefs(trx, [row.recordedBy]));
    });
    return reply.status(201).send(entry);
  });

  // ---- Social history

  app.get('/api/patients/:patientId/social-history', {
    config: { policy: 'history.read' },
    schema: { params: patientParamsSchema, response: { 200: socialHistorySchema } },
  }, async (request, reply) => {
    const { patientId } = request.params;
    const social = await app.db.transaction().execute(async (trx) => {
      const context = historyContext(request);
      await getPatientForHistory(trx, context, patientId);
      const result = await getSocialHistory(trx, context.organizationId, patientId);
      await recordAudit(trx, context, { action: 'read', recordType: 'SocialHistory', patientId });
      return result;
    });
    return reply.header('etag', `W/"${social.version}"`).send(social);
  });

  app.put('/api/patients/:patientId/social-history', {
    config: { policy: 'history.record' },
    schema: { params: patientParamsSchema, body: saveSocialHistoryRequestSchema, response: { 200: socialHistorySchema } },
  }, async (request, reply) => {
    const context = historyContext(request);
    const { patientId } = request.params;
    const { version: bodyVersion, ...input } = request.body;
    const version = requireVersion(versionFrom(bodyVersion, request.headers['if-match']));
    const social = await app.db.transaction().execute(async (trx) => {
      await saveSocialHistory(trx, context, patientId, version, input);
      return getSocialHistory(trx, context.organizationId, patientId);
    });
    return reply.header('etag', `W/"${social.version}"`).send(social);
  });

  // ---- Historical immunizations

  app.get('/api/patients/:patientId/immunizations', {
    config: { policy: 'history.read' },
    schema: { params: patientParamsSchema, response: { 200: immunizationListSchema } },
  }, async (request) => {
    const { patientId } = request.params;
    return app.db.transaction().execute(async (trx) => {
      const context = historyContext(request);
      await getPatientForHistory(trx, context, patientId);
      const immunizations = await findImmunizations(trx, context.organizationId, patientId);
      await recordAudit(trx, context, { action: 'read', recordType: 'Immunization', patientId });
      return { immunizations };
    });
  });

  app.post('/api/patients/:patientId/immunizations', {
    config: { policy: 'history.record' },
    schema: { params: patientParamsSchema, body: recordImmunizationRequestSchema, response: { 201: immunizationSchema } },
  }, async (request, reply) => {
    const context = historyContext(request);
    const immunization = await app.db.transaction().execute(async (trx) => {
      const row = await recordImmunization(trx, context, request.params.patientId, request.body, { source: 'app' });
      return toImmunization(row, await staffRefs(trx, [row.recordedBy]));
    });
    return reply.status(201).send(immunization);
  });

}
