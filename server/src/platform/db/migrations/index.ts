import * as platform from './2026-11-24-0001-platform.js';
import * as patients from './2026-11-24-0002-patients.js';
import * as patientSearch from './2026-11-24-0003-patient-search.js';
import * as schedulingAndFlow from './2026-11-24-0004-scheduling-and-flow.js';
import * as liveEventsAndTasks from './2026-11-24-0005-live-events-and-tasks.js';
import * as reminders from './2026-11-24-0006-reminders.js';
import * as fhir from './2026-11-24-0008-fhir.js';
import * as examRoom from './2026-11-24-0009-exam-room.js';
import * as fhirClinical from './2026-11-24-0010-fhir-clinical.js';
import * as afterVisitOutbox from './2026-11-24-0013-after-visit-outbox.js';
import * as fhirBulk from './2026-11-24-0011-fhir-bulk.js';
import * as fhirPatientNames from './2026-11-24-0014-fhir-patient-names.js';
import * as patientSuffix from './2026-11-24-0015-patient-suffix.js';
import * as staffAuthNotify from './2026-11-24-0016-staff-auth-notify.js';
import * as patientSearchNameTrigrams from './2026-11-24-0017-patient-search-name-trigrams.js';

export interface Migration {
  name: string;
  script: string;
}

/** Every migration, in the order it runs. Add new ones at the end. */
export const migrations: readonly Migration[] = [platform, patients, patientSearch, schedulingAndFlow, liveEventsAndTasks, reminders, fhir, examRoom, fhirClinical, afterVisitOutbox, fhirBulk, fhirPatientNames, patientSuffix, staffAuthNotify, patientSearchNameTrigrams];
