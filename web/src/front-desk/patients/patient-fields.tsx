import { Checkbox, Fieldset, Grid, NativeSelect, Stack, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { patientFieldsSchema } from '../../../../contracts/front-desk/patient.contract.js';
import { languageLabels } from '../../platform/format.js';
import { formToPatientFields, toIsoDate, type PatientFormValues } from './patient-form.js';

export type PatientForm = UseFormReturnType<PatientFormValues>;

const languageOptions = [
  ...Object.entries(languageLabels).map(([value, label]) => ({ value, label })),
  { value: 'other', label: 'Other (enter a language code)' },
];

/**
 * Checks the form with the same zod contract the server uses, so most mistakes show under their
 * inputs before a round trip. Answers an errors object for Mantine form (empty when valid).
 */
export function validatePatientForm(values: PatientFormValues): Record<string, string> {
  const errors: Record<string, string> = {};
  if (values.dateOfBirth.trim() && !toIsoDate(values.dateOfBirth)) errors.dateOfBirth = 'Enter the date as MM/DD/YYYY.';
  if (!values.dateOfBirth.trim()) errors.dateOfBirth = 'Enter the date of birth.';
  if (!values.sexAtBirth) errors.sexAtBirth = 'Choose the sex at birth.';
  if (values.guarantor.dateOfBirth.trim() && !toIsoDate(values.guarantor.dateOfBirth)) errors['guarantor.dateOfBirth'] = 'Enter the date as MM/DD/YYYY.';
  const result = patientFieldsSchema.safeParse(formToPatientFields(values));
  if (!result.success) {
    for (const issue of result.error.issues) {
      let path = issue.path.join('.');
      if (path === 'preferredLanguage') path = 'otherLanguage';
      if (!errors[path]) errors[path] = issue.message;
    }
  }
  return errors;
}

/** Demographics inputs shared by registration and the demographics edit. */
export function PatientFields({ form }: { form: PatientForm }) {
  const values = form.getValues();
  return (
    <Stack gap="lg">
      <Fieldset legend="Legal name">
        <Grid>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <TextInput label="First name" withAsterisk autoComplete="off" key={form.key('givenName')} {...form.getInputProps('givenName')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 3 }}>
            <TextInput label="Middle name" autoComplete="off" key={form.key('middleName')} {...form.getInputProps('middleName')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <TextInput label="Last name" withAsterisk autoComplete="off" key={form.key('familyName')} {...form.getInputProps('familyName')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 1 }}>
            <TextInput label="Suffix" placeholder="Jr" autoComplete="off" key={form.key('nameSuffix')} {...form.getInputProps('nameSuffix')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <TextInput label="Preferred name" description="What the patient likes to be called" autoComplete="off" key={form.key('preferredName')} {...form.getInputProps('preferredName')} />
          </Grid.Col>
        </Grid>
      </Fieldset>

      <Fieldset legend="Birth and identity">
        <Grid>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <TextInput label="Date of birth" withAsterisk placeholder="MM/DD/YYYY" inputMode="numeric" autoComplete="off" key={form.key('dateOfBirth')} {...form.getInputProps('dateOfBirth')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <NativeSelect
              label="Sex at birth"
              withAsterisk
              data={[{ value: '', label: 'Choose…' }, { value: 'female', label: 'Female' }, { value: 'male', label: 'Male' }, { value: 'unknown', label: 'Unknown' }]}
              key={form.key('sexAtBirth')}
              {...form.getInputProps('sexAtBirth')}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }} />
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <TextInput label="Gender identity" autoComplete="off" key={form.key('genderIdentity')} {...form.getInputProps('genderIdentity')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <TextInput label="Pronouns" placeholder="she/her" autoComplete="off" key={form.key('pronouns')} {...form.getInputProps('pronouns')} />
          </Grid.Col>
        </Grid>
      </Fieldset>

      <Fieldset legend="Contact">
        <Grid>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <TextInput label="Street address" autoComplete="off" key={form.key('addressLine1')} {...form.getInputProps('addressLine1')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <TextInput label="Apartment, suite" autoComplete="off" key={form.key('addressLine2')} {...form.getInputProps('addressLine2')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <TextInput label="City" autoComplete="off" key={form.key('city')} {...form.getInputProps('city')} />
          </Grid.Col>
          <Grid.Col span={{ base: 6, sm: 2 }}>
            <TextInput label="State" placeholder="IL" maxLength={2} autoComplete="off" key={form.key('state')} {...form.getInputProps('state')} />
          </Grid.Col>
          <Grid.Col span={{ base: 6, sm: 4 }}>
            <TextInput label="ZIP code" inputMode="numeric" autoComplete="off" key={form.key('postalCode')} {...form.getInputProps('postalCode')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <TextInput label="Mobile phone" type="tel" autoComplete="off" key={form.key('mobilePhone')} {...form.getInputProps('mobilePhone')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <TextInput label="Home phone" type="tel" autoComplete="off" key={form.key('homePhone')} {...form.getInputProps('homePhone')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <TextInput label="Work phone" type="tel" autoComplete="off" key={form.key('workPhone')} {...form.getInputProps('workPhone')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <TextInput label="Email" type="email" autoComplete="off" key={form.key('email')} {...form.getInputProps('email')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <NativeSelect label="Preferred language" data={languageOptions} key={form.key('preferredLanguage')} {...form.getInputProps('preferredLanguage')} />
          </Grid.Col>
          {values.preferredLanguage === 'other' ? (
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <TextInput label="Language code" description="For example pl (Polish) or so (Somali)" autoComplete="off" key={form.key('otherLanguage')} {...form.getInputProps('otherLanguage')} />
            </Grid.Col>
          ) : null}
          <Grid.Col span={12}>
            <Checkbox label="Interpreter needed" key={form.key('interpreterNeeded')} {...form.getInputProps('interpreterNeeded', { type: 'checkbox' })} />
          </Grid.Col>
        </Grid>
      </Fieldset>

      <Fieldset legend="Emergency contact">
        <Grid>
          <Grid.Col span={{ base: 12, sm: 5 }}>
            <TextInput label="Emergency contact name" autoComplete="off" key={form.key('emergencyContact.name')} {...form.getInputProps('emergencyContact.name')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 3 }}>
            <TextInput label="Relationship to patient" placeholder="Spouse" autoComplete="off" key={form.key('emergencyContact.relationship')} {...form.getInputProps('emergencyContact.relationship')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <TextInput label="Emergency contact phone" type="tel" autoComplete="off" key={form.key('emergencyContact.phone')} {...form.getInputProps('emergencyContact.phone')} />
          </Grid.Col>
        </Grid>
      </Fieldset>

      <Fieldset legend="Guarantor (who pays the bill)">
        <Grid>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <NativeSelect
              label="Guarantor"
              data={[{ value: 'self', label: 'Self (the patient)' }, { value: 'parent', label: 'Parent' }, { value: 'spouse', label: 'Spouse' }, { value: 'other', label: 'Other person' }]}
              key={form.key('guarantor.relationship')}
              {...form.getInputProps('guarantor.relationship')}
            />
          </Grid.Col>
          {values.guarantor.relationship !== 'self' ? (
            <>
              <Grid.Col span={{ base: 12, sm: 4 }}>
                <TextInput label="Guarantor name" autoComplete="off" key={form.key('guarantor.name')} {...form.getInputProps('guarantor.name')} />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 4 }}>
                <TextInput label="Guarantor birth date" placeholder="MM/DD/YYYY" autoComplete="off" key={form.key('guarantor.dateOfBirth')} {...form.getInputProps('guarantor.dateOfBirth')} />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 4 }}>
                <TextInput label="Guarantor phone" type="tel" autoComplete="off" key={form.key('guarantor.phone')} {...form.getInputProps('guarantor.phone')} />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 8 }}>
                <TextInput label="Guarantor address" autoComplete="off" key={form.key('guarantor.address')} {...form.getInputProps('guarantor.address')} />
              </Grid.Col>
            </>
          ) : null}
        </Grid>
      </Fieldset>

      <Fieldset legend="Privacy and communication">
        <Stack gap="xs">
          <Checkbox label="Privacy notice acknowledged" description="The patient received the Notice of Privacy Practices" key={form.key('privacyNoticeAcknowledged')} {...form.getInputProps('privacyNoticeAcknowledged', { type: 'checkbox' })} />
          <Checkbox label="Consent to text messages" key={form.key('consentToText')} {...form.getInputProps('consentToText', { type: 'checkbox' })} />
          <Checkbox label="Consent to email" key={form.key('consentToEmail')} {...form.getInputProps('consentToEmail', { type: 'checkbox' })} />
        </Stack>
      </Fieldset>
    </Stack>
  );
}
