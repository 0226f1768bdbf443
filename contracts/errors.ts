/**
 * The one catalogue of error codes the API can answer with, and the HTTP status of each.
 * Server and web import it; a test keeps it honest (every code used is listed, every listed code is used).
 */
export const errorCatalogue = {
  VALIDATION_FAILED: { status: 400, message: 'Some fields are missing or not valid.' },
  MALFORMED_REQUEST: { status: 400, message: 'The request could not be read.' },
  BODY_TOO_LARGE: { status: 400, message: 'The request is too large.' },
  NOT_SIGNED_IN: { status: 401, message: 'Please sign in.' },
  SESSION_EXPIRED: { status: 401, message: 'You were signed out after a period of inactivity. Please sign in again.' },
  SIGN_IN_FAILED: { status: 401, message: 'That username and password do not match our records.' },
  SECOND_FACTOR_REQUIRED: { status: 401, message: 'Enter the 6-digit code from your authenticator app.' },
  SECOND_FACTOR_INVALID: { status: 401, message: 'That code is not correct. Try the current code from your app.' },
  SECOND_FACTOR_SETUP_REQUIRED: { status: 403, message: 'Your role requires a second factor. Set one up to continue.' },
  ACCOUNT_LOCKED: { status: 423, message: 'This account is locked after repeated failed sign-ins. Try again later or ask an administrator.' },
  CSRF_TOKEN_INVALID: { status: 403, message: 'This form has expired. Reload the page and try again.' },
  FORBIDDEN_BY_POLICY: { status: 403, message: 'Your role does not allow this action.' },
  BREAK_THE_GLASS_REQUIRED: { status: 403, message: 'This chart is restricted. State a reason to open it.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  PATIENT_NOT_FOUND: { status: 404, message: 'No such patient.' },
  ALLERGIES_ON_RECORD: { status: 409, message: 'Allergies are on record for this patient. Mark them entered in error first if they were recorded by mistake.' },
  STAFF_NOT_FOUND: { status: 404, message: 'No such staff member.' },
  VERSION_CONFLICT: { status: 409, message: 'Someone else changed this record since you opened it. Reload to see their change.' },
  VERSION_REQUIRED: { status: 428, message: 'Send the version you are changing (If-Match header or version field).' },
  USERNAME_TAKEN: { status: 409, message: 'That username is already in use.' },
  MRN_TAKEN: { status: 409, message: 'That MRN is already assigned to another patient.' },
  PATIENT_ALREADY_MERGED: { status: 409, message: 'This patient record was already merged into another.' },
  CANNOT_MERGE_INTO_SELF: { status: 422, message: 'A patient cannot be merged into the same record.' },
  TASK_OWNER_REQUIRED: { status: 422, message: 'A task needs an owner: a person or a role pool.' },
  TASK_NOT_FOUND: { status: 404, message: 'No such task.' },
  TASK_ALREADY_CLAIMED: { status: 409, message: 'Someone else has already claimed this task.' },
  TASK_CLOSED: { status: 409, message: 'This task is already completed or cancelled.' },
  TASK_NOT_YOURS: { status: 403, message: 'Only the person who owns or claimed this task can do that.' },
  TASK_POOL_NOT_YOURS: { status: 403, message: 'You can open only the pools of your own roles.' },
  APPOINTMENT_NOT_FOUND: { status: 404, message: 'No such appointment.' },
  ENCOUNTER_NOT_FOUND: { status: 404, message: 'No such encounter (visit record).' },
  ROOMING_SUMMARY_ALREADY_SIGNED: { status: 409, message: 'A provider has already signed off this rooming summary.' },
  LOCATION_NOT_FOUND: { status: 404, message: 'No such location.' },
  INVALID_STATUS_TRANSITION: { status: 409, message: 'The visit cannot move to that status from where it is now.' },
  ROOM_NOT_FOUND: { status: 404, message: 'No such exam room.' },
  ROOM_NOT_READY: { status: 409, message: 'That exam room is not ready for a patient.' },
  ROOM_OCCUPIED: { status: 409, message: 'That exam room still has a patient in it.' },
  NO_FOLLOW_UP_SLOT: { status: 409, message: 'No open slot of that type was found with this provider. Book the follow-up from the schedule.' },
  APPOINTMENT_TYPE_NOT_FOUND: { status: 404, message: 'No such appointment type.' },
  SCHEDULE_TEMPLATE_NOT_FOUND: { status: 404, message: 'No such schedule block.' },
  WAITLIST_ENTRY_NOT_FOUND: { status: 404, message: 'No such waitlist entry.' },
  SLOT_TAKEN: { status: 409, message: 'That time is already booked. Choose another slot.' },
  SERIES_CONFLICT: { status: 409, message: 'Some visits of the series collide with existing bookings; nothing was booked.' },
  APPOINTMENT_NOT_CHANGEABLE: { status: 409, message: 'This appointment can no longer be changed in that way.' },
  APPOINTMENT_IN_PAST: { status: 422, message: 'An appointment cannot start in the past.' },
  APPOINTMENT_OUTSIDE_TEMPLATE: { status: 422, message: 'That time is outside the provider’s schedule for this appointment type.' },
  PROVIDER_INACTIVE: { status: 422, message: 'That provider is not active and cannot be booked.' },
  APPOINTMENT_TYPE_NOT_BOOKABLE: { status: 422, message: 'Your role cannot book this appointment type.' },
  OVERBOOK_REASON_REQUIRED: { status: 422, message: 'An overbook needs a reason.' },
  AFTER_VISIT_TEMPLATE_EXISTS: { status: 409, message: 'The clinic already has instructions for that diagnosis or procedure in this language. Edit them instead.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests. Wait a moment and try again.' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The database cannot be reached for a moment (it may be restarting). Try again shortly.' },
  INTERNAL_ERROR: { status: 500, message: 'Something went wrong on our side. The error was logged with its request id.' },
} as const;

export type ErrorCode = keyof typeof errorCatalogue;

/** One problem with one field, as the form shows it under the input. */
export interface FieldIssue {
  field: string;
  message: string;
}

/** The body of every error response. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    field?: string;
    issues?: FieldIssue[];
    requestId: string;
    [extra: string]: unknown;
  };
}
