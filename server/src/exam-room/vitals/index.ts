// Vital signs: the one place a reading is stored (saveObservation, used by the app, FHIR and import),
// the app's routes, and the critical-alert escalation worker.
export { saveObservation, loadClinicVitalSettings, ALERT_WINDOW_MS } from './save-observation.js';
export type { ObservationContext, ObservationInput, ObservationLookups, ObservationComponentInput, ObservationRow, ObservationSource, SaveObservationOptions, SavedObservation } from './save-observation.js';
export { toObservationView } from './observation-view.js';
export { LOINC, LOINC_SYSTEM, VITAL_CODES, isVitalSignCode } from './vital-codes.js';
export { vitalsRoutes } from './vitals.routes.js';
export { acknowledgeVitalAlert, escalateDueVitalAlerts, startVitalAlertEscalation } from './vital-alerts.js';
