import type { LinkOutcome } from './confirmation-link.js';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const words = {
  en: {
    title: 'Your appointment',
    visit: (v: { date: string; time: string; providerName: string }) => `${v.date} at ${v.time} with ${v.providerName}`,
    confirm: 'Confirm',
    cancel: 'Cancel appointment',
    confirmed: 'Thank you. Your appointment is confirmed.',
    cancelled: 'Your appointment is cancelled. Call us to book a new time.',
    spent: 'This link was already used or has expired.',
    notBooked: 'This appointment can no longer be changed online.',
    unknown: 'This link is not valid.',
    call: (phone: string) => (phone ? `Questions? Call us at ${phone}.` : 'Questions? Please call the clinic.'),
  },
  es: {
    title: 'Su cita',
    visit: (v: { date: string; time: string; providerName: string }) => `${v.date} a las ${v.time} con ${v.providerName}`,
    confirm: 'Confirmar',
    cancel: 'Cancelar la cita',
    confirmed: 'Gracias. Su cita está confirmada.',
    cancelled: 'Su cita fue cancelada. Llámenos para hacer una nueva cita.',
    spent: 'Este enlace ya se usó o venció.',
    notBooked: 'Esta cita ya no se puede cambiar por internet.',
    unknown: 'Este enlace no es válido.',
    call: (phone: string) => (phone ? `¿Preguntas? Llámenos al ${phone}.` : '¿Preguntas? Llame a la clínica.'),
  },
} as const;

/** The tiny page a patient sees from a reminder link: the visit with Confirm / Cancel, or the outcome. */
export function renderConfirmationPage(outcome: LinkOutcome, formAction: string): string {
  const language = outcome.kind === 'unknown' ? 'en' : outcome.language;
  const w = words[language];
  let main: string;
  switch (outcome.kind) {
    case 'unknown':
      main = `<p>${w.unknown}</p>`;
      break;
    case 'spent':
      main = `<p>${w.spent}</p><p>${escapeHtml(w.call(outcome.clinicPhone))}</p>`;
      break;
    case 'not-booked':
      main = `<p>${w.notBooked}</p><p>${escapeHtml(w.call(outcome.clinicPhone))}</p>`;
      break;
    case 'open':
      main = `<p class="visit">${escapeHtml(w.visit(outcome))}</p>
<form method="post" action="${escapeHtml(formAction)}"><input type="hidden" name="action" value="confirm"><button type="submit" class="primary">${w.confirm}</button></form>
<form method="post" action="${escapeHtml(formAction)}"><input type="hidden" name="action" value="cancel"><button type="submit">${w.cancel}</button></form>
<p>${escapeHtml(w.call(outcome.clinicPhone))}</p>`;
      break;
    case 'confirmed':
      main = `<p class="visit">${escapeHtml(w.visit(outcome))}</p><p>${w.confirmed}</p>`;
      break;
    case 'cancelled':
      main = `<p class="visit">${escapeHtml(w.visit(outcome))}</p><p>${w.cancelled}</p><p>${escapeHtml(w.call(outcome.clinicPhone))}</p>`;
      break;
  }
  const clinic = outcome.kind === 'unknown' ? 'Medassist' : outcome.clinicName;
  return `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(w.title)} · ${escapeHtml(clinic)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.5}
h1{font-size:1.4rem}.visit{font-size:1.15rem;font-weight:600}form{display:inline-block;margin:.5rem .5rem .5rem 0}
button{font-size:1.1rem;padding:.6rem 1.2rem;border-radius:.4rem;border:1px solid #888;background:#fff;cursor:pointer}
button.primary{background:#1c7ed6;border-color:#1c7ed6;color:#fff}</style></head>
<body><h1>${escapeHtml(clinic)}: ${escapeHtml(w.title)}</h1>
${main}
</body></html>`;
}
