// The whole database as Kysely sees it. Each work area owns its tables' types in its own
// `*.table.ts`; this file only assembles them (type-only imports, so platform code does not
// depend on any area at run time).
import type {
  MrnCountersTable,
  PatientMergesTable,
  PatientPhotosTable,
  PatientsTable,
} from '../../front-desk/patients/patients.table.js';
import type {
  AppointmentSeriesTable,
  AppointmentStatusChangesTable,
  AppointmentsTable,
  AppointmentTypesTable,
  CheckInsTable,
  CopayPaymentsTable,
  ScheduleExceptionsTable,
  ScheduleTemplatesTable,
  WaitlistEntriesTable,
} from '../../front-desk/scheduling/scheduling.table.js';
import type {
  AccessTokensTable,
  AuditChainHeadTable,
  AuditEventsTable,
  DisclosuresTable,
  ExamRoomsTable,
  LocationsTable,
  ManagerAlertsTable,
  OauthClientsTable,
  OrganizationSettingsTable,
  OrganizationsTable,
  StaffMembersTable,
  StaffSessionsTable,
} from './platform.table.js';
import type { AppointmentConfirmationTokensTable, MessageTemplatesTable, PatientMessagesTable } from '../../front-desk/reminders/reminders.table.js';
import type { LiveEventsTable } from '../events/live-events.table.js';
import type { TasksTable } from '../tasks/tasks.table.js';
import type { FhirResourceHistoryTable, FhirResourcesTable } from '../../interop/fhir/fhir.table.js';
import type {
  AfterVisitSummariesTable,
  AfterVisitTemplatesTable,
  AllergiesTable,
  AllergyStatementsTable,
  EncountersTable,
  HistoryEntriesTable,
  ImmunizationsTable,
  MedicationListsTable,
  MedicationsTable,
  ObservationsTable,
  ProblemsTable,
  RoomingChecklistItemsTable,
  ScreeningsTable,
  SocialHistoriesTable,
  VitalAlertsTable,
} from '../../exam-room/exam-room.table.js';

export interface Database {
  organizations: OrganizationsTable;
  organizationSettings: OrganizationSettingsTable;
  locations: LocationsTable;
  examRooms: ExamRoomsTable;
  staffMembers: StaffMembersTable;
  staffSessions: StaffSessionsTable;
  oauthClients: OauthClientsTable;
  accessTokens: AccessTokensTable;
  auditEvents: AuditEventsTable;
  auditChainHead: AuditChainHeadTable;
  disclosures: DisclosuresTable;
  managerAlerts: ManagerAlertsTable;
  patients: PatientsTable;
  mrnCounters: MrnCountersTable;
  patientPhotos: PatientPhotosTable;
  patientMerges: PatientMergesTable;
  appointmentTypes: AppointmentTypesTable;
  scheduleTemplates: ScheduleTemplatesTable;
  scheduleExceptions: ScheduleExceptionsTable;
  appointmentSeries: AppointmentSeriesTable;
  appointments: AppointmentsTable;
  appointmentStatusChanges: AppointmentStatusChangesTable;
  checkIns: CheckInsTable;
  copayPayments: CopayPaymentsTable;
  waitlistEntries: WaitlistEntriesTable;
  messageTemplates: MessageTemplatesTable;
  patientMessages: PatientMessagesTable;
  appointmentConfirmationTokens: AppointmentConfirmationTokensTable;
  liveEvents: LiveEventsTable;
  tasks: TasksTable;
  fhirResources: FhirResourcesTable;
  fhirResourceHistory: FhirResourceHistoryTable;
  roomingChecklistItems: RoomingChecklistItemsTable;
  encounters: EncountersTable;
  observations: ObservationsTable;
  vitalAlerts: VitalAlertsTable;
  allergies: AllergiesTable;
  allergyStatements: AllergyStatementsTable;
  medicationLists: MedicationListsTable;
  medications: MedicationsTable;
  problems: ProblemsTable;
  historyEntries: HistoryEntriesTable;
  socialHistories: SocialHistoriesTable;
  immunizations: ImmunizationsTable;
  screenings: ScreeningsTable;
  afterVisitTemplates: AfterVisitTemplatesTable;
  afterVisitSummaries: AfterVisitSummariesTable;
}
