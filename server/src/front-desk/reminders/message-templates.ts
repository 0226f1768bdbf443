import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { MessageChannel, MessageLanguage } from './reminders.table.js';

export interface TemplateWording {
  subject: string;
  body: string;
}

/** The wording a clinic starts with; each clinic may edit its own rows in message_templates. */
export const defaultReminderTemplates: Record<MessageChannel, Record<MessageLanguage, TemplateWording>> = {
  sms: {
    en: {
      subject: '',
      body: '{clinicName}: Hi {patientFirstName}, you have an appointment with {providerName} on {date} at {time}. Confirm or cancel: {confirmUrl}',
    },
    es: {
      subject: '',
      body: '{clinicName}: Hola {patientFirstName}, tiene una cita con {providerName} el {date} a las {time}. Para confirmar o cancelar: {confirmUrl}',
    },
  },
  email: {
    en: {
      subject: 'Appointment reminder: {date} at {time}',
      body: [
        'Dear {patientFirstName},',
        '',
        'This is a reminder of your appointment with {providerName} at {clinicName} on {date} at {time}.',
        '',
        'Please confirm or cancel here: {confirmUrl}',
        '',
        'If you need a different time, please call us.',
        '',
        '{clinicName}',
      ].join('\n'),
    },
    es: {
      subject: 'Recordatorio de cita: {date} a las {time}',
      body: [
        'Estimado/a {patientFirstName}:',
        '',
        'Le recordamos su cita con {providerName} en {clinicName} el {date} a las {time}.',
        '',
        'Por favor, confirme o cancele su cita aquí: {confirmUrl}',
        '',
        'Si necesita otro horario, llámenos por teléfono.',
        '',
        '{clinicName}',
      ].join('\n'),
    },
  },
};

/** Gives an organization the default English and Spanish reminder templates it does not have yet. */
export async function ensureDefaultMessageTemplates(db: Kysely<Database>, organizationId: string): Promise<void> {
  const rows = (Object.keys(defaultReminderTemplates) as MessageChannel[]).flatMap((channel) =>
    (Object.keys(defaultReminderTemplates[channel]) as MessageLanguage[]).map((language) => ({
      organizationId,
      kind: 'appointment-reminder' as const,
      channel,
      language,
      ...defaultReminderTemplates[channel][language],
    })),
  );
  await db
    .insertInto('messageTemplates')
    .values(rows)
    .onConflict((conflict) => conflict.columns(['organizationId', 'kind', 'channel', 'language']).doNothing())
    .execute();
}

export interface TemplateValues {
  patientFirstName: string;
  date: string;
  time: string;
  providerName: string;
  clinicName: string;
  confirmUrl?: string;
}

/** Fills `{placeholder}`s; an unknown placeholder, or `{confirmUrl}` before the link exists, stays as written. */
export function fillTemplate(text: string, values: Partial<TemplateValues>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = (values as Record<string, string | undefined>)[key];
    return value === undefined ? whole : value;
  });
}
