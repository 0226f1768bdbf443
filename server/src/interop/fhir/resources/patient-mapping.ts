import type { ContactPoint, HumanName, Identifier, Patient } from '@medplum/fhirtypes';
import type { Selectable } from 'kysely';
import type { PatientsTable } from '../../../front-desk/patients/patients.table.js';

/** The clinic's MRN identifier system. */
export const MRN_SYSTEM = 'http://medassist.example/fhir/mrn';
const LANGUAGE_SYSTEM = 'urn:ietf:bcp:47';

type PatientRow = Selectable<PatientsTable>;

/** What of a FHIR Patient maps onto the patients row (the rest lives in the stored JSON only). */
export type MappedPatientFields = Pick<PatientRow,
  | 'givenName' | 'middleName' | 'familyName' | 'nameSuffix' | 'preferredName' | 'dateOfBirth' | 'sexAtBirth'
  | 'addressLine1' | 'addressLine2' | 'city' | 'state' | 'postalCode' | 'mobilePhone' | 'homePhone' | 'workPhone'
  | 'email' | 'preferredLanguage'>;

export type PatientMapping =
  | { onRegister: true; fields: MappedPatientFields; mrn: string | undefined; active: boolean }
  | { onRegister: false; missing: string[] };

const cut = (value: string | undefined, max: number) => (value ?? '').trim().slice(0, max);

/**
 * A FHIR Patient as a patients row. The clinic register needs a family name, a given name and a
 * full birth date (as the registration form does); without them the Patient is kept as sent only.
 * gender other/unknown/absent maps to sex at birth 'unknown'; the JSON keeps what was sent.
 */
export function mapPatient(patient: Patient): PatientMapping {
  const names = patient.name ?? [];
  const name = names.find((candidate) => candidate.use === 'official' && candidate.family) ?? names.find((candidate) => candidate.family && candidate.given?.length);
  const missing: string[] = [];
  if (!name?.family) missing.push('Patient.name.family');
  if (!name?.given?.length) missing.push('Patient.name.given');
  if (!patient.birthDate || patient.birthDate.length !== 10) missing.push('Patient.birthDate');
  if (missing.length > 0 || !name) return { onRegister: false, missing };
  const nickname = names.find((candidate) => candidate.use === 'nickname');
  const telecom = patient.telecom ?? [];
  const phones = telecom.filter((point) => point.system === 'phone' && point.value && point.use !== 'old');
  const phone = (use: ContactPoint['use']) => phones.find((point) => point.use === use)?.value;
  const unused = phones.filter((point) => !point.use || point.use === 'temp').map((point) => point.value!);
  const address = (patient.address ?? []).find((candidate) => candidate.use === 'home') ?? patient.address?.[0];
  const communication = patient.communication?.find((candidate) => candidate.preferred) ?? patient.communication?.[0];
  const language = communication?.language.coding?.find((coding) => coding.code)?.code;
  const mobile = phone('mobile') ?? unused.shift();
  const home = phone('home') ?? unused.shift();
  return {
    onRegister: true,
    mrn: patient.identifier?.find((identifier) => identifier.system === MRN_SYSTEM)?.value,
    active: patient.active !== false,
    fields: {
      givenName: cut(name.given![0], 100),
      middleName: cut(name.given!.slice(1).join(' '), 100),
      familyName: cut(name.family, 100),
      nameSuffix: cut(name.suffix?.join(' '), 20),
      preferredName: cut(nickname?.given?.[0] ?? nickname?.text, 100),
      dateOfBirth: patient.birthDate!,
      sexAtBirth: patient.gender === 'female' || patient.gender === 'male' ? patient.gender : 'unknown',
      addressLine1: cut(address?.line?.[0], 200),
      addressLine2: cut(address?.line?.slice(1).join(', '), 200),
      city: cut(address?.city, 100),
      state: cut(address?.state, 100),
      postalCode: cut(address?.postalCode, 20),
      mobilePhone: cut(mobile, 32),
      homePhone: cut(home, 32),
      workPhone: cut(phone('work'), 32),
      email: cut(telecom.find((point) => point.system === 'email')?.value, 254),
      preferredLanguage: /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(language ?? '') ? language! : 'en',
    },
  };
}

/** The patients row as FHIR reads it (camelCase keys, as the source relation hands it over). */
export type PatientRowView = MappedPatientFields & Pick<PatientRow, 'id' | 'mrn' | 'status'>;

/**
 * A Patient generated from the clinic's row. With `base` (the JSON last sent through FHIR, before
 * a change made in the app) the mapped elements are replaced and everything else is kept.
 */
export function patientFromRow(row: PatientRowView, base: Patient | null): Patient {
  const mrn: Identifier = {
    use: 'usual',
    type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] },
    system: MRN_SYSTEM,
    value: row.mrn,
  };
  const official: HumanName = {
    use: 'official',
    family: row.familyName,
    given: [row.givenName, ...row.middleName.split(/\s+/).filter(Boolean)],
    ...(row.nameSuffix ? { suffix: [row.nameSuffix] } : {}),
  };
  const telecom: ContactPoint[] = [
    ...(row.mobilePhone ? [{ system: 'phone' as const, value: row.mobilePhone, use: 'mobile' as const }] : []),
    ...(row.homePhone ? [{ system: 'phone' as const, value: row.homePhone, use: 'home' as const }] : []),
    ...(row.workPhone ? [{ system: 'phone' as const, value: row.workPhone, use: 'work' as const }] : []),
    ...(row.email ? [{ system: 'email' as const, value: row.email }] : []),
  ];
  const hasAddress = row.addressLine1 || row.city || row.state || row.postalCode;
  const kept: Partial<Patient> = { ...(base ?? {}) };
  for (const key of ['identifier', 'name', 'telecom', 'gender', 'birthDate', 'address', 'communication', 'active'] as const) delete kept[key];
  const homeAddress = { use: 'home' as const, line: [row.addressLine1, row.addressLine2].filter(Boolean), city: row.city, state: row.state, postalCode: row.postalCode };
  return {
    ...kept,
    resourceType: 'Patient',
    identifier: [...(base?.identifier ?? []).filter((item) => item.system !== MRN_SYSTEM), mrn],
    active: row.status === 'active',
    name: [official, ...(row.preferredName ? [{ use: 'nickname' as const, given: [row.preferredName] }] : [])],
    ...(telecom.length ? { telecom } : {}),
    gender: row.sexAtBirth,
    birthDate: row.dateOfBirth,
    ...(hasAddress ? { address: [Object.fromEntries(Object.entries(homeAddress).filter(([, value]) => value !== '' && !(Array.isArray(value) && value.length === 0)))] } : {}),
    communication: [{ language: { coding: [{ system: LANGUAGE_SYSTEM, code: row.preferredLanguage }] }, preferred: true }],
  };
}
