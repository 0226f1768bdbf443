import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Appointment, Bundle, OperationOutcome, Patient, Schedule, Task } from '@medplum/fhirtypes';
import { makeStaffMember } from '../../../test/factories.js';
import { createTask } from '../../platform/tasks/create-task.js';
import { setUpFhir, withoutServerParts, type Caller, type FhirTestSetup } from './fhir-test-setup.js';

// An official example (see server/test/fixtures/fhir/PROVENANCE.md), pointed at this clinic below.
const example = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../../test/fixtures/fhir/scheduling/Appointment-example.json'), 'utf8')) as Appointment;

let setup: FhirTestSetup;
let client: Caller;
let providerId: string;
let otherProviderId: string;
const json = { 'content-type': 'application/fhir+json' };

/** A date `days` from today (UTC) and an instant on it; 15:00Z is morning at the test clinic (America/Chicago). */
const dateIn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const at = (days: number, time: string) => `${dateIn(days)}T${time}:00Z`;

async function newPatient(family = 'Okafor'): Promise<string> {
  const response = await client({ method: 'POST', url: '/fhir/R4/Patient', headers: json, payload: { resourceType: 'Patient', name: [{ family, given: ['Ada'] }], birthDate: '1971-05-06' } satisfies Patient });
  expect(response.statusCode, response.body).toBe(201);
  return (response.json() as Patient).id!;
}

const appointment = (patientId: string, practitionerId: string, start: string, end: string): Appointment => ({
  resourceType: 'Appointment',
  status: 'booked',
  serviceType: [{ coding: [{ system: 'urn:example:service', code: 'follow-up' }] }],
  appointmentType: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0276', code: 'FOLLOWUP' }] },
  start, end,
  participant: [{ actor: { reference: `Patient/${patientId}` }, status: 'accepted' }, { actor: { reference: `Practitioner/${practitionerId}` }, status: 'accepted' }],
});

const book = (resource: Appointment) => client({ method: 'POST', url: '/fhir/R4/Appointment', headers: json, payload: resource });
const search = async (type: string, query: string) => {
  const response = await client({ method: 'GET', url: `/fhir/R4/${type}?${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return ((response.json() as Bundle).entry ?? []).map((entry) => entry.resource!.id);
};

beforeAll(async () => {
  setup = await setUpFhir();
  client = await setup.client();
  providerId = (await makeStaffMember(setup.t.db, setup.organizationId, ['provider'], { displayName: 'Dana Reyes' })).id;
  otherProviderId = (await makeStaffMember(setup.t.db, setup.organizationId, ['provider'])).id;
});
afterAll(() => setup.t.close());

describe('FHIR Appointment', () => {
  it('lets a system client book outside the templates: 201, marked outside template, on the day schedule', async () => {
    const patientId = await newPatient();
    const sent = appointment(patientId, providerId, at(3, '15:00'), at(3, '15:20'));
    const response = await book(sent);
    expect(response.statusCode, response.body).toBe(201);
    const created = response.json() as Appointment;
    expect(withoutServerParts(created as unknown as Record<string, unknown>)).toEqual(sent);
    const row = await setup.t.db.selectFrom('appointments').selectAll().where('id', '=', created.id!).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ isOutsideTemplate: true, source: 'fhir', patientId, providerId, locationId: setup.locationId, status: 'scheduled' });
    const frontDesk = await setup.staff('front-desk');
    const day = await frontDesk({ method: 'GET', url: `/api/scheduling/day?locationId=${setup.locationId}&date=${dateIn(3)}` });
    expect(day.statusCode, day.body).toBe(200);
    expect(day.body).toContain(created.id);
    const read = (await client({ method: 'GET', url: `/fhir/R4/Appointment/${created.id}` })).json() as Appointment;
    expect(read).toEqual(created);
  });

  it('refuses an overlap of the practitioner or of the patient with 409 conflict', async () => {
    const patientId = await newPatient();
    expect((await book(appointment(patientId, providerId, at(4, '15:00'), at(4, '15:30')))).statusCode).toBe(201);
    const samePractitioner = await book(appointment(await newPatient(), providerId, at(4, '15:10'), at(4, '15:40')));
    expect(samePractitioner.statusCode, samePractitioner.body).toBe(409);
    const outcome = samePractitioner.json() as OperationOutcome;
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue[0]).toMatchObject({ severity: 'error', code: 'conflict' });
    const samePatient = await book(appointment(patientId, otherProviderId, at(4, '15:20'), at(4, '15:50')));
    expect(samePatient.statusCode, samePatient.body).toBe(409);
    expect((samePatient.json() as OperationOutcome).issue[0]!.code).toBe('conflict');
    expect((await book(appointment(patientId, providerId, at(4, '15:30'), at(4, '16:00')))).statusCode).toBe(201);
  });

  it('refuses what it cannot book: unknown participants and times in the past (422)', async () => {
    const patientId = await newPatient();
    expect((await book(appointment('no-such-patient', providerId, at(5, '15:00'), at(5, '15:20')))).statusCode).toBe(422);
    expect((await book(appointment(patientId, 'no-such-practitioner', at(5, '15:00'), at(5, '15:20')))).statusCode).toBe(422);
    expect((await book(appointment(patientId, providerId, at(-5, '15:00'), at(-5, '15:20')))).statusCode).toBe(422);
    const noPractitioner = { ...appointment(patientId, providerId, at(5, '15:00'), at(5, '15:20')), participant: [{ actor: { reference: `Patient/${patientId}` }, status: 'accepted' as const }] };
    expect((await book(noPractitioner)).statusCode).toBe(422);
  });

  it('books the official Appointment example (pointed at this clinic) and reads it back whole', async () => {
    const patientId = await newPatient();
    const { id: _id, ...content } = example;
    void _id;
    const references: Record<string, string> = { 'Patient/example': `Patient/${patientId}`, 'Practitioner/example': `Practitioner/${providerId}`, 'Location/1': `Location/${setup.locationId}` };
    const sent: Appointment = {
      ...content,
      start: at(6, '15:00'), end: at(6, '17:00'),
      participant: example.participant.map((participant) => ({ ...participant, actor: { ...participant.actor, reference: references[participant.actor!.reference!]! } })),
    };
    const response = await book(sent);
    expect(response.statusCode, response.body).toBe(201);
    const id = (response.json() as Appointment).id!;
    const read = (await client({ method: 'GET', url: `/fhir/R4/Appointment/${id}` })).json() as Appointment;
    expect(withoutServerParts(read as unknown as Record<string, unknown>)).toEqual(sent);
    const row = await setup.t.db.selectFrom('appointments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ reasonForVisit: example.description, isOutsideTemplate: true });
  });

  it('searches by patient, practitioner, date (prefixes) and status', async () => {
    const patientId = await newPatient('Searchwell');
    const first = (await book(appointment(patientId, otherProviderId, at(8, '15:00'), at(8, '15:20')))).json() as Appointment;
    const second = (await book(appointment(patientId, otherProviderId, at(9, '15:00'), at(9, '15:20')))).json() as Appointment;
    expect(await search('Appointment', `patient=Patient/${patientId}`)).toEqual([first.id, second.id].sort());
    expect(await search('Appointment', `patient=${patientId}&date=${dateIn(8)}`)).toEqual([first.id]);
    expect(await search('Appointment', `patient=${patientId}&date=ge${dateIn(9)}`)).toEqual([second.id]);
    expect(await search('Appointment', `patient=${patientId}&date=lt${dateIn(9)}`)).toEqual([first.id]);
    expect(await search('Appointment', `practitioner=Practitioner/${otherProviderId}&date=${dateIn(9)}&status=booked`)).toEqual([second.id]);
    expect(await search('Appointment', `patient=${patientId}&status=cancelled`)).toEqual([]);
  });

  it('maps updates and app-side changes both ways (status, times)', async () => {
    const patientId = await newPatient();
    const created = (await book(appointment(patientId, providerId, at(10, '15:00'), at(10, '15:20')))).json() as Appointment;
    const moved = await client({ method: 'PUT', url: `/fhir/R4/Appointment/${created.id}`, headers: { ...json, 'if-match': 'W/"1"' }, payload: { ...created, start: at(10, '16:00'), end: at(10, '16:30') } });
    expect(moved.statusCode, moved.body).toBe(200);
    let row = await setup.t.db.selectFrom('appointments').selectAll().where('id', '=', created.id!).executeTakeFirstOrThrow();
    expect(new Date(row.startsAt).toISOString()).toBe(new Date(at(10, '16:00')).toISOString());
    expect(row.version).toBe(2);
    const cancelled = await client({ method: 'PUT', url: `/fhir/R4/Appointment/${created.id}`, headers: { ...json, 'if-match': 'W/"2"' }, payload: { ...(moved.json() as Appointment), status: 'cancelled' } });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    row = await setup.t.db.selectFrom('appointments').selectAll().where('id', '=', created.id!).executeTakeFirstOrThrow();
    expect(row.status).toBe('cancelled');
    // A change made in the app: the resource is generated from the row over the JSON last sent.
    await setup.t.db.updateTable('appointments').set({ status: 'no-show', version: 4 }).where('id', '=', created.id!).execute();
    const read = (await client({ method: 'GET', url: `/fhir/R4/Appointment/${created.id}` })).json() as Appointment;
    expect(read).toMatchObject({ status: 'noshow', meta: { versionId: '4' }, serviceType: created.serviceType });
    expect(read.participant.map((participant) => participant.actor?.reference)).toEqual([`Patient/${patientId}`, `Practitioner/${providerId}`, `Location/${setup.locationId}`]);
  });
});

describe('FHIR Task', () => {
  it('serves inbox tasks as Tasks, found by patient, owner, status and priority', async () => {
    const patientId = await newPatient();
    const ids = await setup.t.db.transaction().execute(async (trx) => {
      const context = { actor: null, organizationId: setup.organizationId, clientAddress: '127.0.0.1', requestId: 'test' };
      const person = await createTask(trx, context, { title: 'Call back about results', kind: 'call-back', patientId, ownerStaffId: providerId, priority: 'urgent', focusType: 'Appointment', focusId: '00000000-0000-4000-8000-000000000001' });
      const pool = await createTask(trx, context, { title: 'Verify insurance', kind: 'general', patientId, ownerPool: 'front-desk', priority: 'routine' });
      return { person: person.id, pool: pool.id };
    });
    expect(await search('Task', `patient=Patient/${patientId}`)).toEqual([ids.person, ids.pool].sort());
    expect(await search('Task', `patient=${patientId}&owner=Practitioner/${providerId}`)).toEqual([ids.person]);
    expect(await search('Task', `patient=${patientId}&owner=front-desk`)).toEqual([ids.pool]);
    expect(await search('Task', `patient=${patientId}&priority=urgent&status=requested`)).toEqual([ids.person]);
    const task = (await client({ method: 'GET', url: `/fhir/R4/Task/${ids.person}` })).json() as Task;
    expect(task).toMatchObject({
      resourceType: 'Task', status: 'requested', intent: 'order', priority: 'urgent', for: { reference: `Patient/${patientId}` },
      owner: { reference: `Practitioner/${providerId}` }, focus: { reference: 'Appointment/00000000-0000-4000-8000-000000000001' },
    });
    const write = await client({ method: 'POST', url: '/fhir/R4/Task', headers: json, payload: { resourceType: 'Task', status: 'requested', intent: 'order' } });
    expect(write.statusCode).toBe(405);
  });
});

describe('FHIR Schedule', () => {
  it('serves one Schedule per provider and location from the templates, found by actor', async () => {
    const scheduled = (await makeStaffMember(setup.t.db, setup.organizationId, ['provider'], { displayName: 'Sam Ortiz' })).id;
    const type = await setup.t.db.insertInto('appointmentTypes').values({ organizationId: setup.organizationId, name: 'Follow-up', durationMinutes: 20 }).returning('id').executeTakeFirstOrThrow();
    const template = { organizationId: setup.organizationId, locationId: setup.locationId, providerId: scheduled, startsAtLocal: '09:00', endsAtLocal: '12:00', slotMinutes: 20, appointmentTypeIds: [type.id], effectiveFrom: dateIn(0), effectiveUntil: null };
    await setup.t.db.insertInto('scheduleTemplates').values([{ ...template, weekday: 1 }, { ...template, weekday: 3, label: 'Mornings' }]).execute();
    const found = await search('Schedule', `actor=Practitioner/${scheduled}`);
    expect(found).toHaveLength(1);
    const schedule = (await client({ method: 'GET', url: `/fhir/R4/Schedule/${found[0]}` })).json() as Schedule;
    expect(schedule).toMatchObject({
      resourceType: 'Schedule', active: true, comment: 'Mornings', planningHorizon: { start: dateIn(0) },
      actor: [{ reference: `Practitioner/${scheduled}`, display: 'Sam Ortiz' }, { reference: `Location/${setup.locationId}` }],
    });
    expect(await search('Schedule', `actor=${providerId}`)).toEqual([]);
  });
});
