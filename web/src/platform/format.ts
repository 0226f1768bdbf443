/** Formats an ISO date (YYYY-MM-DD) as MM/DD/YYYY, the way US clinics read a date of birth. */
export function formatDate(isoDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  return match ? `${match[2]}/${match[3]}/${match[1]}` : isoDate;
}

/** Age in whole years on `today`, from an ISO date of birth. */
export function ageInYears(isoDate: string, today: Date = new Date()): number {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  let age = today.getFullYear() - year;
  const beforeBirthday = today.getMonth() + 1 < month || (today.getMonth() + 1 === month && today.getDate() < day);
  if (beforeBirthday) age -= 1;
  return age;
}

/** "42 y", or months for infants ("7 mo"). */
export function formatAge(isoDate: string, today: Date = new Date()): string {
  const years = ageInYears(isoDate, today);
  if (years >= 2) return `${years} y`;
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  let months = (today.getFullYear() - year) * 12 + (today.getMonth() + 1 - month);
  if (today.getDate() < day) months -= 1;
  return `${Math.max(months, 0)} mo`;
}

export function formatDateOfBirth(isoDate: string): string {
  return `${formatDate(isoDate)} (${formatAge(isoDate)})`;
}

export function formatDateTime(isoDateTime: string): string {
  const date = new Date(isoDateTime);
  if (Number.isNaN(date.getTime())) return isoDateTime;
  return date.toLocaleString('en-US', { month: '2-digit', day: '2-digit', year: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit' });
}

export const sexLabels = { female: 'Female', male: 'Male', unknown: 'Unknown' } as const;

export function patientName(patient: { familyName: string; givenName: string }): string {
  return `${patient.familyName}, ${patient.givenName}`;
}

export function formatPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length === 10) return `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`;
  if (digits.length === 11 && digits.startsWith('1')) return `(${digits.slice(1, 4)}) ${digits.slice(4, 7)}-${digits.slice(7)}`;
  return phone;
}

export const languageLabels: Record<string, string> = {
  en: 'English',
  es: 'Spanish',
  zh: 'Chinese',
  vi: 'Vietnamese',
  tl: 'Tagalog',
  ar: 'Arabic',
  fr: 'French',
  ko: 'Korean',
  ru: 'Russian',
  ht: 'Haitian Creole',
  pt: 'Portuguese',
  ase: 'American Sign Language',
};
