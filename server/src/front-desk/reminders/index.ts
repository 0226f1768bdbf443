// The reminders area's public surface: other areas call these inside their own transactions.
export { scheduleAppointmentReminders, cancelAppointmentReminders } from './schedule-reminders.js';
export { ensureDefaultMessageTemplates } from './message-templates.js';
export { deliverDueReminders, recordDeliveryFailure, startReminderWorker, smtpSender, devSink, type MessageSender, type MessageAttachment } from './reminder-worker.js';
export { reminderRoutes } from './reminders.routes.js';
