import type { Role } from '../db/platform.table.js';

export const staffRoles = ['front-desk', 'medical-assistant', 'nurse', 'provider', 'biller', 'manager', 'admin'] as const;
export const allRoles: readonly Role[] = [...staffRoles, 'integration'];

interface PolicyRule {
  /** Roles allowed to perform the action; everyone else is refused (deny by default). */
  allow: readonly Role[];
  /** Why others are refused, in words the refused person can act on. */
  refusal: string;
}

const clinicalStaff: readonly Role[] = ['medical-assistant', 'nurse', 'provider'];
const patientFacingStaff: readonly Role[] = ['front-desk', 'medical-assistant', 'nurse', 'provider', 'biller', 'manager'];
const everyoneSignedIn: readonly Role[] = staffRoles;

const providerOnly = (what: string): PolicyRule => ({
  allow: ['provider'],
  refusal: `${what} is a provider's decision. A medical assistant can prepare it and route it to a provider.`,
});

/**
 * Scope of practice as data: every action the system can perform, and who may perform it.
 * One table, deny by default. Every route names its action; a test walks every route and checks
 * each role against this table. Later work areas add rows here; they never decide access inline.
 *
 * Sources: MA scope (DOMAIN.md §6: MAs may not diagnose, prescribe, authorise refills, interpret
 * results, or triage independently); HIPAA minimum necessary (45 CFR 164.502(b)).
 */
export const policyTable = {
  // ---- Platform: sessions and administration
  'session.view-own': { allow: everyoneSignedIn, refusal: 'Sign in first.' },
  'session.sign-out': { allow: everyoneSignedIn, refusal: 'Sign in first.' },
  'session.manage-second-factor': { allow: everyoneSignedIn, refusal: 'Sign in first.' },
  'organization.view': { allow: everyoneSignedIn, refusal: 'Sign in first.' },
  'organization.manage-settings': { allow: ['admin'], refusal: 'Only an administrator can change clinic settings.' },
  'staff.view-directory': { allow: everyoneSignedIn, refusal: 'Sign in first.' },
  'staff.manage': { allow: ['admin'], refusal: 'Only an administrator can manage staff accounts.' },
  'staff.unlock': { allow: ['admin', 'manager'], refusal: 'Only an administrator or manager can unlock an account.' },
  'audit.view': { allow: ['manager', 'admin'], refusal: 'Only a practice manager or administrator can view the audit trail.' },
  'audit.verify': { allow: ['manager', 'admin'], refusal: 'Only a practice manager or administrator can verify the audit trail.' },
  'disclosure.record': { allow: ['front-desk', 'nurse', 'provider', 'biller', 'manager'], refusal: 'Your role does not record disclosures.' },
  'disclosure.report': { allow: ['manager'], refusal: 'Only a practice manager can produce an accounting of disclosures.' },
  'manager-alert.view': { allow: ['manager'], refusal: 'Only a practice manager sees manager alerts.' },
  'manager-alert.acknowledge': { allow: ['manager'], refusal: 'Only a practice manager acknowledges manager alerts.' },
  'live.subscribe': { allow: everyoneSignedIn, refusal: 'Sign in first.' },

  // ---- Front desk: patients
  'patient.search': { allow: [...patientFacingStaff, 'integration'], refusal: 'Your role does not look up patients.' },
  'patient.read': { allow: [...patientFacingStaff, 'integration'], refusal: 'Your role does not open patient charts.' },
  'patient.register': { allow: ['front-desk', 'medical-assistant', 'nurse', 'manager', 'integration'], refusal: 'Registration is done by the front desk.' },
  'patient.update-demographics': { allow: ['front-desk', 'medical-assistant', 'nurse', 'manager', 'integration'], refusal: 'Demographics are kept by the front desk.' },
  'patient.check-duplicates': { allow: ['front-desk', 'medical-assistant', 'nurse', 'manager', 'integration'], refusal: 'Registration is done by the front desk.' },
  'patient.merge': { allow: ['manager'], refusal: 'Only a practice manager can merge duplicate patient records.' },
  'patient.break-the-glass': { allow: patientFacingStaff, refusal: 'Your role cannot open restricted charts.' },
  'patient.restrict': { allow: ['manager'], refusal: 'Only a practice manager can restrict a chart.' },

  // ---- Exam room (rows the exam-room and orders issues build on)
  'encounter.room': { allow: ['medical-assistant', 'nurse', 'provider'], refusal: 'Rooming is done by clinical staff.' },
  'vitals.record': { allow: [...clinicalStaff, 'integration'], refusal: 'Vital signs are recorded by clinical staff.' },
  'vitals.read': { allow: [...clinicalStaff, 'integration'], refusal: 'Your role does not see vital signs.' },
  'vitals.correct': { allow: clinicalStaff, refusal: 'Vital signs are corrected by clinical staff.' },
  'vitals.reinterpret': providerOnly('Changing what an abnormal value means'),
  'alert.acknowledge': { allow: ['provider', 'nurse'], refusal: 'A clinical alert must be acknowledged by a provider or nurse.' },
  'history.record': { allow: [...clinicalStaff, 'integration'], refusal: 'Histories are recorded by clinical staff.' },
  'history.read': { allow: [...clinicalStaff, 'integration'], refusal: 'Your role does not see clinical histories.' },
  'allergy.record': { allow: [...clinicalStaff, 'integration'], refusal: 'Allergies are recorded by clinical staff.' },
  'medication.reconcile': { allow: [...clinicalStaff, 'integration'], refusal: 'Medication reconciliation is done by clinical staff.' },
  'problem.record-reported': { allow: [...clinicalStaff, 'integration'], refusal: 'Reported problems are recorded by clinical staff.' },
  'problem.confirm-diagnosis': providerOnly('Confirming a diagnosis'),
  'screening.record': { allow: clinicalStaff, refusal: 'Screenings are recorded by clinical staff.' },
  'screening.read': { allow: clinicalStaff, refusal: 'Your role does not see screening answers.' },
  'after-visit-template.read': { allow: [...clinicalStaff, 'manager'], refusal: 'Your role does not use after-visit instructions.' },
  'after-visit-template.edit': { allow: ['provider', 'manager'], refusal: 'After-visit instructions are edited by a provider or the practice manager.' },
  'after-visit-summary.create': { allow: clinicalStaff, refusal: 'After-visit summaries are prepared by clinical staff.' },
  'after-visit-summary.print': { allow: [...clinicalStaff, 'front-desk'], refusal: 'Your role does not print after-visit summaries.' },
  'rooming.mark-ready': { allow: clinicalStaff, refusal: 'Rooming is done by clinical staff.' },
  'rooming-summary.sign-off': providerOnly('Signing off the rooming summary'),
  'encounter.read': { allow: [...clinicalStaff, 'integration'], refusal: 'Your role does not see visit records.' },
  'rooming-checklist.view': { allow: [...clinicalStaff, 'manager', 'admin'], refusal: 'Your role does not use rooming checklists.' },
  'rooming-checklist.manage': { allow: ['manager', 'admin'], refusal: 'Only a practice manager or administrator changes rooming checklists.' },
  'order.pend': { allow: clinicalStaff, refusal: 'Orders are pended by clinical staff.' },
  'order.sign': providerOnly('Signing an order'),
  'prescription.write': providerOnly('Prescribing'),
  'refill.prepare': { allow: clinicalStaff, refusal: 'Refill requests are prepared by clinical staff.' },
  'refill.approve': providerOnly('Approving a refill'),
  'result.review': providerOnly('Reviewing and signing a result'),
  'result.interpret': providerOnly('Interpreting a result'),
  'result.notify-patient': { allow: [...clinicalStaff, 'front-desk'], refusal: 'Your role does not notify patients of results.' },
  'vaccine.administer': { allow: clinicalStaff, refusal: 'Vaccines are given by clinical staff under an order or standing order.' },
  'injection.administer': { allow: clinicalStaff, refusal: 'Injections are given by clinical staff under an order or standing order.' },
  'specimen.collect': { allow: clinicalStaff, refusal: 'Specimens are collected by clinical staff.' },
  'poc-test.record': { allow: clinicalStaff, refusal: 'Point-of-care tests are recorded by clinical staff.' },

  // ---- Front desk: scheduling and flow (rows the front-desk issue builds on)
  'appointment.book': { allow: ['front-desk', 'medical-assistant', 'nurse', 'manager', 'integration'], refusal: 'Booking is done by the front desk.' },
  'appointment.overbook': { allow: ['front-desk', 'manager'], refusal: 'Only the front desk lead or manager can overbook.' },
  'appointment.cancel': { allow: ['front-desk', 'medical-assistant', 'nurse', 'manager', 'integration'], refusal: 'Cancelling is done by the front desk.' },
  'appointment.mark-no-show': { allow: ['front-desk', 'manager'], refusal: 'No-shows are marked by the front desk.' },
  'schedule.view': { allow: [...patientFacingStaff, 'integration'], refusal: 'Your role does not see the schedule.' },
  'schedule.manage-templates': { allow: ['admin', 'manager'], refusal: 'Only a practice manager or administrator can change schedules and appointment types.' },
  'waitlist.manage': { allow: ['front-desk', 'medical-assistant', 'nurse', 'manager'], refusal: 'The waitlist is kept by the front desk.' },
  'appointment.check-in': { allow: ['front-desk', 'manager'], refusal: 'Check-in is done by the front desk.' },
  'flow-board.view': { allow: patientFacingStaff, refusal: 'Your role does not see the flow board.' },
  'flow.update-status': { allow: ['front-desk', 'medical-assistant', 'nurse', 'provider', 'manager'], refusal: 'Visit status is moved by the front desk and clinical staff.' },
  'appointment.checkout': { allow: ['front-desk', 'manager'], refusal: 'Checkout is done by the front desk.' },
  'room.mark-cleaned': { allow: ['medical-assistant', 'nurse', 'provider', 'manager'], refusal: 'Rooms are marked cleaned by clinical staff.' },
  'copay.print-receipt': { allow: ['front-desk', 'biller', 'manager'], refusal: 'Receipts are printed by the front desk or billing.' },
  'reminders.view-outbox': { allow: ['front-desk', 'manager', 'admin'], refusal: 'Only the front desk and managers read the patient-message outbox.' },
  'task.work': { allow: everyoneSignedIn, refusal: 'Sign in first.' },
  'task.assign': { allow: ['front-desk', 'medical-assistant', 'nurse', 'provider', 'biller', 'manager'], refusal: 'Your role does not hand out tasks.' },
  'task.view-metrics': { allow: everyoneSignedIn, refusal: 'Sign in first.' },
  // ---- Interop: FHIR API. The route gate names fhir.*; each resource type then needs its own
  // action (patient.read, directory.read …) and, for system clients, the SMART scope.
  'fhir.read': { allow: [...everyoneSignedIn, 'integration'], refusal: 'Sign in first.' },
  'fhir.write': { allow: ['front-desk', 'medical-assistant', 'nurse', 'manager', 'admin', 'integration'], refusal: 'Your role does not change records through the FHIR API.' },
  'directory.read': { allow: [...everyoneSignedIn, 'integration'], refusal: 'Sign in first.' },
  'directory.import-outside-party': { allow: ['manager', 'admin', 'integration'], refusal: 'Only a practice manager, an administrator or an integration imports outside clinicians, organizations and locations.' },
  'task.read': { allow: [...everyoneSignedIn, 'integration'], refusal: 'Sign in first.' },
  'audit-event.read': { allow: ['manager', 'admin', 'integration'], refusal: 'Only a practice manager, an administrator or an integration reads the audit trail as FHIR AuditEvents.' },
  'fhir.export': { allow: ['manager', 'admin', 'integration'], refusal: 'Only a practice manager, an administrator or an integration exports records in bulk (FHIR $export).' },
  'fhir.import': { allow: ['manager', 'admin'], refusal: 'Only a practice manager or administrator imports records in bulk.' },
} as const satisfies Record<string, PolicyRule>;

export type PolicyAction = keyof typeof policyTable;

/** Routes that anyone may call: sign-in, the token endpoint, the web app's files, health. */
export const PUBLIC = 'public' as const;
export type RoutePolicy = PolicyAction | typeof PUBLIC;

export function isPolicyAction(value: unknown): value is PolicyAction {
  return typeof value === 'string' && Object.hasOwn(policyTable, value);
}

/** The decision for someone holding these roles (a person may hold several: the union applies). */
export function decide(action: PolicyAction, roles: readonly Role[]): { allowed: true } | { allowed: false; reason: string } {
  const rule: PolicyRule = policyTable[action];
  if (roles.some((role) => rule.allow.includes(role))) return { allowed: true };
  return { allowed: false, reason: rule.refusal };
}
