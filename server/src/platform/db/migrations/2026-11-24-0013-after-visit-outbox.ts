// Frozen: never edit a migration that has shipped; add a new one.
export const name = '2026-11-24-0013-after-visit-outbox';

export const script = /* sql */ `
-- After-visit summaries go to the patient through the same outbox as reminders.
alter table patient_messages drop constraint patient_messages_kind_check;
alter table patient_messages add constraint patient_messages_kind_check check (kind in ('appointment-reminder','after-visit-summary'));
create index after_visit_summaries_message_idx on after_visit_summaries (message_id) where message_id is not null;
`;
