// Virtual users playing one compressed clinic day per clinic through the public HTTP API: the
// front desk books (several desks racing for the same first free slot), takes walk-ins, checks
// patients in with copays, cancels, marks no-shows and checks out with follow-up bookings; MAs room
// patients with vitals (some critical), an allergy statement and a screening, and hand off; providers
// read their inbox, acknowledge critical-vital alerts, sign the rooming summary and send the patient
// to checkout. Writes are retried as a real client would: re-read first, and a write counts as
// acknowledged only after a 2xx.
import http from 'node:http';
import { DateTime } from 'luxon';
import { EXPECTED_CONFLICTS, type Metrics } from './metrics.js';
import { NetworkError, sleep, StaffClient, type Response } from './http-client.js';
import { SIM_PASSWORD, type Clinic, type PatientRef } from './population.js';
import { LiveWatcher } from './live-watcher.js';

export interface DayOptions {
  /** Real minutes the 9-hour day (08:00–17:00) takes. */
  dayMinutes: number;
  visitsPerProvider: number;
  criticalRate: number;
  seed: number;
}

/** What the server acknowledged with a 2xx, to read back after the run. */
export interface Acknowledged {
  appointments: string[];
  checkIns: string[];
  copays: string[];
  observations: string[];
  criticalObservations: string[];
  screenings: string[];
  signOffs: string[];
  alertAcknowledgements: string[];
  statusMoves: { appointmentId: string; to: string }[];
  followUps: string[];
  /** Successful requests that read or wrote one patient's data, by whom. */
  patientRequests: { staffMemberId: string; patientId: string; operation: string }[];
}

export function emptyAcknowledged(): Acknowledged {
  return { appointments: [], checkIns: [], copays: [], observations: [], criticalObservations: [], screenings: [], signOffs: [], alertAcknowledgements: [], statusMoves: [], followUps: [], patientRequests: [] };
}

interface Visit {
  id: string;
  patient: PatientRef;
  providerIndex: number;
  version: number;
  status: string;
  startsAtSimMinute: number;
  encounterId?: string;
  encounterVersion?: number;
  fate: 'seen' | 'no-show' | 'cancel';
}

const rank: Record<string, number> = { scheduled: 0, arrived: 1, roomed: 2, 'ready-for-provider': 3, 'with-provider': 4, checkout: 5, done: 6 };
const DAY_SIM_MINUTES = 9 * 60;
const terminal = new Set(['done', 'no-show', 'cancelled', 'left-without-being-seen', 'entered-in-error']);

export function targetDate(timeZone: string, now = new Date()): string {
  let day = DateTime.fromJSDate(now, { zone: timeZone }).startOf('day').plus({ days: 2 });
  while (day.weekday > 5) day = day.plus({ days: 1 });
  return day.toISODate()!;
}

class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

export class ClinicDay {
  private readonly agent: http.Agent;
  private readonly random: Random;
  private readonly fdJobs: (() => Promise<void>)[] = [];
  private readonly roomingQueue: Visit[] = [];
  private readonly providerQueues: Visit[][];
  private readonly visits: Visit[] = [];
  private readonly walkInsWanted: number[];
  private frontDesk: StaffClient[] = [];
  private medicalAssistants: StaffClient[] = [];
  private providers: StaffClient[] = [];
  private dayStartedAt = 0;
  private realMsPerSimMinute = 0;
  private closing = false;
  private patientCursor = 0;
  private readonly date: string;
  watcher: LiveWatcher | undefined;

  constructor(
    private readonly clinic: Clinic,
    private readonly options: DayOptions,
    private readonly metrics: Metrics,
    private readonly ack: Acknowledged,
    private readonly port: () => number,
    private readonly watcherPort: () => number,
  ) {
    // each clinic's workstations have their own address (the sign-in rate limit is per address)
    const octet = clinic.index;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 16, localAddress: `127.${1 + Math.floor(octet / 250)}.${octet % 250}.${10 + (octet % 200)}` });
    this.random = new Random(options.seed * 7919 + clinic.index);
    this.providerQueues = clinic.providers.map(() => []);
    this.walkInsWanted = clinic.providers.map(() => 0);
    this.date = targetDate(clinic.timeZone);
  }

  get visitCount(): number {
    return this.visits.length;
  }

  async signIn(): Promise<void> {
    const make = (username: string) => new StaffClient(this.metrics, this.agent, this.port, username);
    this.frontDesk = this.clinic.frontDesk.map((member) => make(member.username));
    this.medicalAssistants = this.clinic.medicalAssistants.map((member) => make(member.username));
    this.providers = this.clinic.providers.map((member) => make(member.username));
    for (const client of [...this.frontDesk, ...this.medicalAssistants, ...this.providers]) await client.signIn(SIM_PASSWORD);
    this.watcher = new LiveWatcher(this.watcherPort, this.frontDesk[0]!.sessionCookie, `flow-board:${this.clinic.locationId}`, this.metrics);
  }

  private nextPatient(): PatientRef {
    const adults = this.clinic.patients.filter((patient) => patient.isAdult);
    const patient = adults[this.patientCursor % adults.length]!;
    this.patientCursor++;
    return patient;
  }

  private trackPatient(client: StaffClient, patientId: string, operation: string): void {
    this.ack.patientRequests.push({ staffMemberId: client.staffMemberId, patientId, operation });
  }

  /** A request retried through refused connections and 5xx (a killed server) until it answers; `applied` re-reads an unknown outcome. */
  private async send(client: StaffClient, operation: string, method: string, path: string, body?: unknown, applied?: () => Promise<Response | undefined>): Promise<Response> {
    for (let attempt = 0; attempt < 240; attempt++) {
      let response: Response | undefined;
      try {
        response = await client.request(operation, method, path, body);
      } catch (error) {
        if (!(error instanceof NetworkError)) throw error;
      }
      if (response && response.status < 500) {
        if (response.status === 401 && attempt < 5) {
          await client.signIn(SIM_PASSWORD);
          continue;
        }
        return response;
      }
      this.metrics.count('retries');
      await sleep(250 + Math.random() * 250);
      if (method !== 'GET' && applied) {
        const already = await this.safely(applied);
        if (already) {
          this.metrics.count('writes found applied on re-read');
          return already;
        }
      }
    }
    throw new Error(`${operation}: no answer after many attempts`);
  }

  private async safely<T>(read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch {
      return undefined;
    }
  }

  private async readVisit(client: StaffClient, visit: Visit): Promise<void> {
    const response = await this.send(client, 'GET appointment', 'GET', `/api/appointments/${visit.id}`);
    if (response.status === 200) {
      visit.version = response.body.version;
      visit.status = response.body.status;
    }
  }

  /** Re-read for an unknown outcome of a flow move: applied when the visit is already at (or past) the target. */
  private visitReached(client: StaffClient, visit: Visit, to: string) {
    return async () => {
      const response = await client.request('GET appointment', 'GET', `/api/appointments/${visit.id}`);
      if (response.status !== 200) return undefined;
      visit.version = response.body.version;
      visit.status = response.body.status;
      const reached = response.body.status === to || (rank[to] !== undefined && rank[response.body.status] !== undefined && rank[response.body.status]! >= rank[to]!);
      return reached ? { status: 299, body: { visit: response.body } } : undefined;
    };
  }

  private simNow(): number {
    return (Date.now() - this.dayStartedAt) / this.realMsPerSimMinute;
  }

  private simSleep(minutes: number): Promise<void> {
    return sleep(minutes * this.realMsPerSimMinute);
  }

  private async untilSim(minute: number): Promise<void> {
    await sleep((minute - this.simNow()) * this.realMsPerSimMinute);
  }

  // ---------------------------------------------------------------- booking (the days before)

  async book(): Promise<void> {
    const wanted: { patient: PatientRef; providerIndex: number }[] = [];
    // provider by provider: the desks race each other for the same first free slot (409 SLOT_TAKEN, search again)
    for (let providerIndex = 0; providerIndex < this.clinic.providers.length; providerIndex++) {
      for (let round = 0; round < this.options.visitsPerProvider; round++) {
        // roughly one visit in eight is a walk-in on the day instead of a booking
        if (round > 0 && this.random.next() < 0.12) {
          this.walkInsWanted[providerIndex]!++;
          continue;
        }
        wanted.push({ patient: this.nextPatient(), providerIndex });
      }
    }
    const typeId = this.clinic.appointmentTypes['Follow-up']!;
    const dayStart = DateTime.fromISO(`${this.date}T00:00`, { zone: this.clinic.timeZone });
    const full = new Set<number>();
    await Promise.all(this.frontDesk.map(async (desk) => {
      for (let item = wanted.shift(); item; item = wanted.shift()) {
        // a full day: the patient comes as a walk-in instead
        if (full.has(item.providerIndex)) {
          this.walkInsWanted[item.providerIndex]!++;
          continue;
        }
        const providerId = this.clinic.providers[item.providerIndex]!.id;
        for (let attempt = 0; attempt < 30; attempt++) {
          // for this patient, as the desk's slot finder searches once a patient is picked
          const query = new URLSearchParams({ locationId: this.clinic.locationId, appointmentTypeId: typeId, providerId, patientId: item.patient.id, after: dayStart.toISO()!, limit: '3' });
          const slots = await this.send(desk, 'GET open-slots', 'GET', `/api/scheduling/open-slots?${query}`);
          const slot = (slots.body?.slots as { startsAt: string }[] | undefined)?.[0];
          if (slots.status !== 200 || !slot || DateTime.fromISO(slot.startsAt, { zone: this.clinic.timeZone }).toISODate() !== this.date) {
            full.add(item.providerIndex);
            this.walkInsWanted[item.providerIndex]!++;
            this.metrics.count('bookings refused: day full');
            break;
          }
          const payload = { patientId: item.patient.id, providerId, locationId: this.clinic.locationId, appointmentTypeId: typeId, startsAt: slot.startsAt, reasonForVisit: 'Follow-up' };
          const booked = await this.send(desk, 'POST appointment', 'POST', '/api/appointments', payload, async () => this.findBooking(desk, item!.patient.id, slot.startsAt));
          if (booked.status === 201 || booked.status === 299) {
            if (booked.status === 201) {
              this.ack.appointments.push(booked.body.id);
              this.trackPatient(desk, item.patient.id, 'book');
            }
            const local = DateTime.fromISO(slot.startsAt, { zone: this.clinic.timeZone });
            const fateRoll = this.random.next();
            this.visits.push({
              id: booked.body.id, patient: item.patient, providerIndex: item.providerIndex, version: booked.body.version, status: 'scheduled',
              startsAtSimMinute: local.hour * 60 + local.minute - 8 * 60, fate: fateRoll < 0.04 ? 'no-show' : fateRoll < 0.08 ? 'cancel' : 'seen',
            });
            break;
          }
          if (booked.status === 409 && booked.body?.error?.code === 'SLOT_TAKEN') {
            this.metrics.count('booking contention (409, re-searched)');
            if (booked.body.error.details?.slot?.conflict === 'patient') break;
            continue;
          }
          this.metrics.count(`booking failed ${booked.status}`);
          break;
        }
      }
    }));
  }

  private async findBooking(desk: StaffClient, patientId: string, startsAt: string): Promise<Response | undefined> {
    const query = new URLSearchParams({ locationId: this.clinic.locationId, date: this.date });
    const day = await desk.request('GET day schedule', 'GET', `/api/scheduling/day?${query}`);
    if (day.status !== 200) return undefined;
    for (const column of day.body.byProvider) {
      for (const appointment of column.appointments) {
        if (appointment.patientId === patientId && new Date(appointment.startsAt).getTime() === new Date(startsAt).getTime()) return { status: 299, body: appointment };
      }
    }
    return undefined;
  }

  // ---------------------------------------------------------------- the day

  async play(): Promise<void> {
    this.realMsPerSimMinute = (this.options.dayMinutes * 60_000) / DAY_SIM_MINUTES;
    this.dayStartedAt = Date.now();
    const arrivals = this.visits.map(async (visit) => {
      if (visit.fate === 'cancel') {
        await this.untilSim(Math.max(0, visit.startsAtSimMinute - 90) * this.random.next());
        this.fdJobs.push(() => this.cancel(visit));
        return;
      }
      await this.untilSim(visit.startsAtSimMinute - 10 + this.random.int(15));
      if (visit.fate === 'no-show') {
        // the patient never comes; the server refuses a no-show before the appointment's (real) time,
        // so the desk marks the ones the server suggests (earlier visits of today) instead
        this.metrics.count('patients who never came');
      } else {
        this.fdJobs.push(() => this.checkIn(visit));
      }
    });
    const walkIns = this.walkInsWanted.flatMap((count, providerIndex) =>
      Array.from({ length: count }, async () => {
        await this.untilSim(30 + this.random.int(DAY_SIM_MINUTES - 120));
        this.fdJobs.push(() => this.walkIn(providerIndex));
      }));
    this.fdJobs.push(() => this.markSuggestedNoShows());
    const workers = [
      ...this.frontDesk.map((desk) => this.frontDeskLoop(desk)),
      ...this.medicalAssistants.map((ma) => this.medicalAssistantLoop(ma)),
      ...this.providers.map((provider, index) => this.providerLoop(provider, index)),
    ];
    await Promise.all([...arrivals, ...walkIns]);
    await this.untilSim(DAY_SIM_MINUTES);
    // the day is over when every visit is over (or after a generous overtime)
    const overtimeUntil = Date.now() + Math.max(60_000, this.options.dayMinutes * 60_000);
    const open = (visit: Visit) => !terminal.has(visit.status) && visit.fate !== 'no-show';
    while (Date.now() < overtimeUntil && (this.fdJobs.length > 0 || this.visits.some(open))) await sleep(100);
    this.closing = true;
    await Promise.all(workers);
    const unfinished = this.visits.filter(open).length;
    if (unfinished) this.metrics.count('visits unfinished at closing', unfinished);
  }

  private async loop(work: () => Promise<boolean>): Promise<void> {
    while (!this.closing) {
      let didWork = false;
      try {
        didWork = await work();
      } catch (error) {
        this.metrics.count(`virtual user error: ${error instanceof Error ? error.message.slice(0, 80) : String(error)}`);
      }
      if (!didWork) await sleep(Math.min(200, Math.max(20, this.realMsPerSimMinute)));
    }
  }

  private frontDeskLoop(_desk: StaffClient): Promise<void> {
    return this.loop(async () => {
      const job = this.fdJobs.shift();
      if (!job) return false;
      await job();
      return true;
    });
  }

  private desk(): StaffClient {
    return this.frontDesk[this.random.int(this.frontDesk.length)]!;
  }

  private async moved(client: StaffClient, visit: Visit, response: Response, expected: string): Promise<boolean> {
    if (response.status === 200 || response.status === 201) {
      const moved = response.body.visit ?? response.body;
      visit.version = moved.version;
      visit.status = moved.status;
      this.ack.statusMoves.push({ appointmentId: visit.id, to: moved.status });
      this.watcher?.expect(visit.id, moved.status);
      this.trackPatient(client, visit.patient.id, expected);
      return true;
    }
    if (response.status === 299) {
      const current = response.body.visit ?? response.body;
      visit.version = current.version;
      visit.status = current.status;
      return true;
    }
    if (response.status === 409 && response.body?.error?.code === 'VERSION_CONFLICT') {
      await this.readVisit(client, visit);
      return false;
    }
    if (!EXPECTED_CONFLICTS.has(response.body?.error?.code)) this.metrics.count(`unexpected ${expected}: ${response.status} ${response.body?.error?.code ?? ''}`);
    return false;
  }

  private async cancel(visit: Visit): Promise<void> {
    const desk = this.desk();
    for (let attempt = 0; attempt < 5 && visit.status === 'scheduled'; attempt++) {
      const response = await this.send(desk, 'POST cancel', 'POST', `/api/appointments/${visit.id}/cancel`, { reason: 'pat', note: 'Simulated cancellation', version: visit.version }, this.visitReached(desk, visit, 'cancelled'));
      if (await this.moved(desk, visit, response, 'cancel')) return;
    }
  }

  /** The desk's no-show list: scheduled visits of today past the grace minutes (the demo schedule's morning). */
  private async markSuggestedNoShows(): Promise<void> {
    const desk = this.desk();
    const list = await this.send(desk, 'GET suggested no-shows', 'GET', `/api/scheduling/suggested-no-shows?locationId=${this.clinic.locationId}`);
    if (list.status !== 200) return;
    for (const row of list.body.appointments as { id: string; patientId: string; version: number }[]) {
      this.trackPatient(desk, row.patientId, 'suggested no-shows');
      const visit: Visit = { id: row.id, patient: { id: row.patientId, isAdult: true }, providerIndex: 0, version: row.version, status: 'scheduled', startsAtSimMinute: 0, fate: 'no-show' };
      await this.noShow(visit, desk);
      if (visit.status === 'no-show') this.metrics.count('no-shows marked');
    }
  }

  private async noShow(visit: Visit, desk = this.desk()): Promise<void> {
    for (let attempt = 0; attempt < 5 && visit.status === 'scheduled'; attempt++) {
      const response = await this.send(desk, 'POST no-show', 'POST', `/api/appointments/${visit.id}/no-show`, { version: visit.version }, this.visitReached(desk, visit, 'no-show'));
      if (await this.moved(desk, visit, response, 'no-show')) return;
    }
  }

  private async checkIn(visit: Visit, already = false): Promise<void> {
    const desk = this.desk();
    const patient = await this.send(desk, 'GET patient', 'GET', `/api/patients/${visit.patient.id}`);
    if (patient.status === 200) this.trackPatient(desk, visit.patient.id, 'read patient');
    const copay = this.random.next() < 0.7 ? { amountCents: 2500 + 500 * this.random.int(6), method: (['cash', 'card', 'check'] as const)[this.random.int(3)]! } : undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      const body = { version: visit.version, demographicsVerified: true, insuranceCardVerified: true, ...(copay ? { copay } : {}) };
      const response = await this.send(desk, 'POST check-in', 'POST', `/api/appointments/${visit.id}/check-in`, body, already ? undefined : this.visitReached(desk, visit, 'arrived'));
      if (response.status === 200) {
        this.ack.checkIns.push(visit.id);
        if (response.body.copay) this.ack.copays.push(response.body.copay.id);
        this.metrics.count('check-ins');
      }
      if (await this.moved(desk, visit, response, 'check-in')) {
        this.roomingQueue.push(visit);
        return;
      }
    }
    this.metrics.count('check-in gave up');
  }

  private async walkIn(providerIndex: number): Promise<void> {
    const desk = this.desk();
    const patient = this.nextPatient();
    const body = { patientId: patient.id, providerId: this.clinic.providers[providerIndex]!.id, locationId: this.clinic.locationId, appointmentTypeId: this.clinic.appointmentTypes['Same-day sick']!, reasonForVisit: 'Walk-in: sore throat' };
    let response = await this.send(desk, 'POST walk-in', 'POST', '/api/appointments/walk-in', body);
    if (response.status === 409 && response.body?.error?.code === 'SLOT_TAKEN' && response.body.error.details?.slot?.conflict !== 'patient') {
      // the provider is with another patient right now (a compressed day): the desk overbooks, with the reason
      this.metrics.count('walk-ins overbooked');
      response = await this.send(desk, 'POST walk-in', 'POST', '/api/appointments/walk-in', { ...body, isOverbook: true, overbookReason: 'Walk-in while the provider is booked' });
    }
    if (response.status !== 201) {
      this.metrics.count(`walk-in refused ${response.status} ${response.body?.error?.code ?? ''}`);
      return;
    }
    this.ack.appointments.push(response.body.id);
    this.trackPatient(desk, patient.id, 'walk-in');
    this.metrics.count('walk-ins');
    const visit: Visit = { id: response.body.id, patient, providerIndex, version: response.body.version, status: response.body.status, startsAtSimMinute: this.simNow(), fate: 'seen' };
    this.visits.push(visit);
    await this.checkIn(visit, true);
  }

  // ---------------------------------------------------------------- medical assistant

  private medicalAssistantLoop(ma: StaffClient): Promise<void> {
    return this.loop(async () => {
      const visit = this.roomingQueue.shift();
      if (!visit) return false;
      if (!(await this.room(ma, visit))) {
        this.roomingQueue.push(visit);
        await this.simSleep(2);
        return true;
      }
      await this.rooming(ma, visit);
      return true;
    });
  }

  private async room(ma: StaffClient, visit: Visit): Promise<boolean> {
    for (let attempt = 0; attempt < 6; attempt++) {
      if (rank[visit.status]! >= rank.roomed!) return true;
      const grid = await this.send(ma, 'GET exam-rooms', 'GET', `/api/exam-rooms?locationId=${this.clinic.locationId}`);
      if (grid.status !== 200) return false;
      const rooms = grid.body.rooms as { id: string; state: string }[];
      let room = rooms.filter((candidate) => candidate.state === 'ready')[this.random.int(rooms.length)] ?? rooms.find((candidate) => candidate.state === 'ready');
      if (!room) {
        const dirty = rooms.find((candidate) => candidate.state === 'needs-cleaning');
        if (!dirty) return false;
        const cleaned = await this.send(ma, 'POST room cleaned', 'POST', `/api/exam-rooms/${dirty.id}/cleaned`);
        if (cleaned.status !== 200) continue;
        room = dirty;
      }
      const response = await this.send(ma, 'POST room patient', 'POST', `/api/appointments/${visit.id}/room`, { roomId: room.id, version: visit.version }, this.visitReached(ma, visit, 'roomed'));
      if (await this.moved(ma, visit, response, 'room')) return true;
    }
    return false;
  }

  private async rooming(ma: StaffClient, visit: Visit): Promise<void> {
    const encounter = await this.send(ma, 'GET visit encounter', 'GET', `/api/appointments/${visit.id}/encounter`);
    if (encounter.status !== 200) {
      this.metrics.count(`no encounter after rooming ${encounter.status}`);
      return;
    }
    visit.encounterId = encounter.body.id;
    visit.encounterVersion = encounter.body.version;
    this.trackPatient(ma, visit.patient.id, 'read encounter');
    await this.simSleep(3);

    const critical = this.random.next() < this.options.criticalRate;
    const vitals = {
      bloodPressure: critical ? { systolic: 184 + this.random.int(20), diastolic: 96, position: 'sitting', arm: 'left', cuffSize: 'adult' } : { systolic: 112 + this.random.int(15), diastolic: 72 + this.random.int(8), position: 'sitting', arm: 'left', cuffSize: 'adult' },
      pulse: 64 + this.random.int(20),
      respirations: 14 + this.random.int(4),
      temperature: { value: 36.6 + this.random.int(5) / 10, unit: 'Cel', route: 'oral' },
      spo2: { percent: 96 + this.random.int(4) },
      weight: { value: 60 + this.random.int(40), unit: 'kg' },
      height: { value: 155 + this.random.int(35), unit: 'cm' },
    };
    const vitalsPath = `/api/encounters/${visit.encounterId}/vitals`;
    const recorded = await this.send(ma, 'POST vitals', 'POST', vitalsPath, vitals, async () => {
      const existing = await ma.request('GET encounter vitals', 'GET', vitalsPath);
      return existing.status === 200 && existing.body.observations.length > 0 ? { status: 299, body: existing.body } : undefined;
    });
    if (recorded.status === 201) {
      this.trackPatient(ma, visit.patient.id, 'vitals');
      for (const observation of recorded.body.observations as { id: string; isCritical: boolean }[]) {
        this.ack.observations.push(observation.id);
        if (observation.isCritical) this.ack.criticalObservations.push(observation.id);
      }
      this.metrics.count('vitals sets');
      if (recorded.body.alerts.length > 0) this.metrics.count('critical vitals (alerts raised)', recorded.body.alerts.length);
    } else if (recorded.status !== 299) {
      this.metrics.count(`unexpected vitals: ${recorded.status} ${recorded.body?.error?.code ?? ''}`);
    }

    if (this.random.next() < 0.5) {
      const statement = await this.send(ma, 'POST allergy statement', 'POST', `/api/patients/${visit.patient.id}/allergy-statement`, { statement: 'no-known-drug-allergies' });
      if (statement.status < 300) this.trackPatient(ma, visit.patient.id, 'allergy statement');
    }
    const positive = this.random.next() < 0.1;
    const screeningsPath = `/api/patients/${visit.patient.id}/screenings`;
    const screening = await this.send(ma, 'POST screening', 'POST', `/api/encounters/${visit.encounterId}/screenings`, { instrument: 'phq-2', answers: positive ? [2, 2] : [0, 1] }, async () => {
      const existing = await ma.request('GET screenings', 'GET', screeningsPath);
      const mine = existing.status === 200 ? (existing.body.screenings as { encounterId: string }[]).find((row) => row.encounterId === visit.encounterId) : undefined;
      return mine ? { status: 299, body: { screening: mine } } : undefined;
    });
    if (screening.status === 201 || screening.status === 200) {
      this.ack.screenings.push(screening.body.screening.id);
      this.trackPatient(ma, visit.patient.id, 'screening');
    }
    await this.simSleep(2);

    for (let attempt = 0; attempt < 5; attempt++) {
      const ready = await this.send(ma, 'POST ready-for-provider', 'POST', `/api/encounters/${visit.encounterId}/ready-for-provider`, { version: visit.encounterVersion }, this.visitReached(ma, visit, 'ready-for-provider'));
      if (ready.status === 200) {
        visit.encounterVersion = ready.body.encounter.version;
        this.trackPatient(ma, visit.patient.id, 'hand-off');
      }
      if (ready.status === 409 && ready.body?.error?.code === 'VERSION_CONFLICT') {
        const current = await this.send(ma, 'GET encounter', 'GET', `/api/encounters/${visit.encounterId}`);
        if (current.status === 200) visit.encounterVersion = current.body.version;
        continue;
      }
      if (await this.moved(ma, visit, ready, 'ready-for-provider')) {
        this.providerQueues[visit.providerIndex]!.push(visit);
        return;
      }
    }
    this.metrics.count('hand-off gave up');
  }

  // ---------------------------------------------------------------- provider

  private providerLoop(provider: StaffClient, index: number): Promise<void> {
    let lastInbox = 0;
    return this.loop(async () => {
      if (Date.now() - lastInbox > Math.max(2000, 10 * this.realMsPerSimMinute)) {
        lastInbox = Date.now();
        const inbox = await this.send(provider, 'GET tasks inbox', 'GET', '/api/tasks/mine');
        if (inbox.status === 200) this.metrics.count('inbox reads');
      }
      const visit = this.providerQueues[index]!.shift();
      if (!visit) return false;
      await this.see(provider, visit);
      return true;
    });
  }

  private async see(provider: StaffClient, visit: Visit): Promise<void> {
    for (let attempt = 0; attempt < 5 && visit.status !== 'with-provider'; attempt++) {
      const response = await this.send(provider, 'POST status', 'POST', `/api/appointments/${visit.id}/status`, { to: 'with-provider', version: visit.version }, this.visitReached(provider, visit, 'with-provider'));
      await this.moved(provider, visit, response, 'with-provider');
    }
    const summary = await this.send(provider, 'GET rooming summary', 'GET', `/api/encounters/${visit.encounterId}/rooming-summary`);
    if (summary.status === 200) this.trackPatient(provider, visit.patient.id, 'rooming summary');
    const vitals = await this.send(provider, 'GET encounter vitals', 'GET', `/api/encounters/${visit.encounterId}/vitals`);
    if (vitals.status === 200) {
      this.trackPatient(provider, visit.patient.id, 'encounter vitals');
      for (const alert of vitals.body.alerts as { id: string; acknowledgedAt: string | null }[]) {
        if (alert.acknowledgedAt) continue;
        const acknowledged = await this.send(provider, 'POST acknowledge alert', 'POST', `/api/vital-alerts/${alert.id}/acknowledge`);
        if (acknowledged.status === 200) {
          this.ack.alertAcknowledgements.push(alert.id);
          this.metrics.count('alerts acknowledged');
        }
      }
    }
    await this.simSleep(8);
    for (let attempt = 0; attempt < 5; attempt++) {
      const signed = await this.send(provider, 'POST sign-off', 'POST', `/api/encounters/${visit.encounterId}/sign-off`, { version: visit.encounterVersion });
      if (signed.status === 200) {
        this.ack.signOffs.push(visit.encounterId!);
        this.trackPatient(provider, visit.patient.id, 'sign-off');
        break;
      }
      if (signed.status === 409 && signed.body?.error?.code === 'VERSION_CONFLICT') {
        const current = await this.send(provider, 'GET encounter', 'GET', `/api/encounters/${visit.encounterId}`);
        if (current.status === 200) {
          visit.encounterVersion = current.body.version;
          if (current.body.summarySignedOffAt) break;
        }
        continue;
      }
      if (signed.body?.error?.code !== 'ROOMING_SUMMARY_ALREADY_SIGNED') this.metrics.count(`unexpected sign-off: ${signed.status} ${signed.body?.error?.code ?? ''}`);
      break;
    }
    for (let attempt = 0; attempt < 5 && visit.status === 'with-provider'; attempt++) {
      const response = await this.send(provider, 'POST status', 'POST', `/api/appointments/${visit.id}/status`, { to: 'checkout', version: visit.version }, this.visitReached(provider, visit, 'checkout'));
      await this.moved(provider, visit, response, 'to checkout');
    }
    this.fdJobs.push(() => this.checkout(visit));
  }

  private async checkout(visit: Visit): Promise<void> {
    const desk = this.desk();
    const followUp = this.random.next() < 0.5 ? { appointmentTypeId: this.clinic.appointmentTypes['Follow-up']!, inWeeks: 2 + this.random.int(10) } : undefined;
    for (let attempt = 0; attempt < 5 && visit.status !== 'done'; attempt++) {
      const response = await this.send(desk, 'POST checkout', 'POST', `/api/appointments/${visit.id}/checkout`, { version: visit.version, ...(followUp ? { followUp } : {}) }, this.visitReached(desk, visit, 'done'));
      if (response.status === 200 && response.body.followUp) {
        this.ack.followUps.push(response.body.followUp.appointmentId);
        this.metrics.count('follow-ups booked');
      }
      if (await this.moved(desk, visit, response, 'checkout')) {
        if (visit.status === 'done') this.metrics.count('visits completed');
        return;
      }
    }
  }
}
