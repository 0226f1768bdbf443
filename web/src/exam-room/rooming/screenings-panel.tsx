import { Alert, Badge, Button, Group, NativeSelect, Paper, SimpleGrid, Stack, Switch, Table, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import type { RecordScreeningResponse, Screening } from '../../../../contracts/exam-room/screenings.js';
import { isApiError } from '../../platform/api.js';
import { ErrorState } from '../../platform/ui/states.js';
import { usePatientScreenings, useRecordScreening } from './rooming.queries.js';
import { screeningBandLabel, screeningNames } from '../shared/screening-labels.js';

const phqScale = ['Not at all', 'Several days', 'More than half the days', 'Nearly every day'];

/** PHQ-9 items (Kroenke, Spitzer & Williams 2001; the PHQ is free to use). Items 1–2 are the PHQ-2. */
const phq9Items = [
  'Little interest or pleasure in doing things',
  'Feeling down, depressed, or hopeless',
  'Trouble falling or staying asleep, or sleeping too much',
  'Feeling tired or having little energy',
  'Poor appetite or overeating',
  'Feeling bad about yourself — or that you are a failure or have let yourself or your family down',
  'Trouble concentrating on things, such as reading the newspaper or watching television',
  'Moving or speaking so slowly that other people could have noticed — or being so fidgety or restless that you have been moving around a lot more than usual',
  'Thoughts that you would be better off dead, or of hurting yourself in some way',
];

/** GAD-7 items (Spitzer et al. 2006), same 0–3 scale over the last 2 weeks. */
const gad7Items = [
  'Feeling nervous, anxious, or on edge',
  'Not being able to stop or control worrying',
  'Worrying too much about different things',
  'Trouble relaxing',
  'Being so restless that it is hard to sit still',
  'Becoming easily annoyed or irritable',
  'Feeling afraid, as if something awful might happen',
];

/** AUDIT-C (Bush et al. 1998): three items scored 0–4 with their own answer wording. */
const auditCItems: { question: string; answers: string[] }[] = [
  { question: 'How often do you have a drink containing alcohol?', answers: ['Never', 'Monthly or less', '2–4 times a month', '2–3 times a week', '4 or more times a week'] },
  { question: 'How many standard drinks do you have on a typical day when you are drinking?', answers: ['1 or 2', '3 or 4', '5 or 6', '7 to 9', '10 or more'] },
  { question: 'How often do you have six or more drinks on one occasion?', answers: ['Never', 'Less than monthly', 'Monthly', 'Weekly', 'Daily or almost daily'] },
];

/** CDC STEADI three key questions. */
const fallQuestions = [
  { key: 'hasFallenInPastYear', label: 'Has fallen in the past year' },
  { key: 'feelsUnsteady', label: 'Feels unsteady when standing or walking' },
  { key: 'worriesAboutFalling', label: 'Worries about falling' },
] as const;

type Answers = (number | null)[];

function ScaleQuestions({ items, scale, answers, onChange, errors, prefix }: {
  items: { question: string; answers: string[] }[];
  scale?: undefined;
  answers: Answers;
  onChange: (answers: Answers) => void;
  errors: Record<string, string>;
  prefix: string;
} | {
  items: string[];
  scale: string[];
  answers: Answers;
  onChange: (answers: Answers) => void;
  errors: Record<string, string>;
  prefix: string;
}) {
  return (
    <Stack gap={6}>
      {items.map((item, index) => {
        const question = typeof item === 'string' ? item : item.question;
        const options = typeof item === 'string' ? scale ?? [] : item.answers;
        const value = answers[index];
        return (
          <NativeSelect
            key={`${prefix}-${index}`}
            label={`${index + 1}. ${question}`}
            data={[{ value: '', label: 'Choose an answer…' }, ...options.map((label, score) => ({ value: String(score), label: `${label} (${score})` }))]}
            value={value === null || value === undefined ? '' : String(value)}
            onChange={(event) => {
              const next = [...answers];
              next[index] = event.currentTarget.value === '' ? null : Number(event.currentTarget.value);
              onChange(next);
            }}
            error={errors[`answers.item${index + 1}`] ?? errors[`item${index + 1}`] ?? errors[`answers.${index}`]}
          />
        );
      })}
    </Stack>
  );
}

function issuesOf(error: unknown): Record<string, string> {
  const placed: Record<string, string> = {};
  if (isApiError(error)) for (const issue of error.issues) placed[issue.field] = issue.message;
  return placed;
}

/** The server's answer: total, band and what to do next; item 9 raises the urgent banner. */
function ResultLine({ result }: { result: RecordScreeningResponse }) {
  const { screening } = result;
  return (
    <Stack gap={6} aria-live="polite">
      {screening.needsUrgentFollowUp ? (
        <Alert color="red" variant="filled" role="alert" title="Urgent: the provider has been alerted" data-testid="urgent-screening-banner">
          {result.message ?? 'Stay with the patient until the provider comes.'}
        </Alert>
      ) : null}
      <Group gap="xs" data-testid="screening-result">
        <Text fw={600} size="sm">{screeningNames[screening.instrument]}</Text>
        {screening.total !== null ? <Text size="sm">{screening.instrument === 'tobacco' ? `${screening.total} pack-years` : `Total ${screening.total}`}</Text> : null}
        <Badge color={screening.isPositive ? 'orange' : 'green'} variant="light" tt="none">{screening.isPositive ? 'Positive' : 'Negative'}</Badge>
        {screening.band && screening.band !== 'positive' && screening.band !== 'negative' ? <Badge color="gray" variant="outline" tt="none">{screeningBandLabel(screening.band)}</Badge> : null}
      </Group>
      {result.message && !screening.needsUrgentFollowUp ? <Text size="sm" c="dimmed">{result.message}</Text> : null}
    </Stack>
  );
}

/** PHQ-2, cascading to the full PHQ-9 when the server says it is positive. */
function DepressionScreen({ encounterId, patientId }: { encounterId: string; patientId: string }) {
  const record = useRecordScreening(encounterId, patientId);
  const [answers, setAnswers] = useState<Answers>(Array(9).fill(null));
  const [stage, setStage] = useState<'phq-2' | 'phq-9'>('phq-2');
  const [results, setResults] = useState<RecordScreeningResponse[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const items = stage === 'phq-2' ? phq9Items.slice(0, 2) : phq9Items;
  const submit = () => {
    const sent = answers.slice(0, stage === 'phq-2' ? 2 : 9);
    record.mutate({ instrument: stage, answers: sent }, {
      onSuccess: (response) => {
        setErrors({});
        setResults((current) => [...current.filter((item) => item.screening.instrument !== stage), response]);
        if (response.nextInstrument === 'phq-9') setStage('phq-9');
      },
      onError: (error) => setErrors(issuesOf(error)),
    });
  };
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">Over the last 2 weeks, how often has the patient been bothered by…</Text>
      {stage === 'phq-9' ? <Alert color="blue" variant="light">PHQ-2 positive: ask the full PHQ-9 (items 1–2 carried over).</Alert> : null}
      <ScaleQuestions items={items} scale={phqScale} answers={answers} onChange={setAnswers} errors={errors} prefix="phq" />
      {record.isError && Object.keys(errors).length === 0 ? <ErrorState error={record.error} title="Not scored" /> : null}
      <Group justify="flex-end"><Button onClick={submit} loading={record.isPending}>{stage === 'phq-2' ? 'Score PHQ-2' : 'Score PHQ-9'}</Button></Group>
      {results.map((result) => <ResultLine key={result.screening.id} result={result} />)}
    </Stack>
  );
}

function QuestionnaireScreen({ encounterId, patientId, instrument }: { encounterId: string; patientId: string; instrument: 'gad-7' | 'audit-c' }) {
  const record = useRecordScreening(encounterId, patientId);
  const count = instrument === 'gad-7' ? gad7Items.length : auditCItems.length;
  const [answers, setAnswers] = useState<Answers>(Array(count).fill(null));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const submit = () => record.mutate({ instrument, answers }, { onSuccess: () => setErrors({}), onError: (error) => setErrors(issuesOf(error)) });
  return (
    <Stack gap="sm">
      {instrument === 'gad-7' ? (
        <>
          <Text size="sm" c="dimmed">Over the last 2 weeks, how often has the patient been bothered by…</Text>
          <ScaleQuestions items={gad7Items} scale={phqScale} answers={answers} onChange={setAnswers} errors={errors} prefix="gad" />
        </>
      ) : (
        <ScaleQuestions items={auditCItems} answers={answers} onChange={setAnswers} errors={errors} prefix="audit" />
      )}
      {record.isError && Object.keys(errors).length === 0 ? <ErrorState error={record.error} title="Not scored" /> : null}
      <Group justify="flex-end"><Button onClick={submit} loading={record.isPending}>Score {screeningNames[instrument]}</Button></Group>
      {record.data ? <ResultLine result={record.data} /> : null}
    </Stack>
  );
}

function FallRiskScreen({ encounterId, patientId }: { encounterId: string; patientId: string }) {
  const record = useRecordScreening(encounterId, patientId);
  const [answers, setAnswers] = useState<Record<(typeof fallQuestions)[number]['key'], boolean>>({ hasFallenInPastYear: false, feelsUnsteady: false, worriesAboutFalling: false });
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">STEADI key questions (adults 65 and older). Any “yes” means the patient is at risk.</Text>
      {fallQuestions.map((question) => (
        <Switch key={question.key} label={question.label} checked={answers[question.key]} onChange={(event) => setAnswers((current) => ({ ...current, [question.key]: event.currentTarget.checked }))} />
      ))}
      {record.isError ? <ErrorState error={record.error} title="Not recorded" /> : null}
      <Group justify="flex-end"><Button onClick={() => record.mutate({ instrument: 'fall-risk', answers })} loading={record.isPending}>Record fall risk</Button></Group>
      {record.data ? <ResultLine result={record.data} /> : null}
    </Stack>
  );
}

function TobaccoScreen({ encounterId, patientId }: { encounterId: string; patientId: string }) {
  const record = useRecordScreening(encounterId, patientId);
  const [status, setStatus] = useState('never');
  const [packsPerDay, setPacksPerDay] = useState('');
  const [yearsSmoked, setYearsSmoked] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const submit = () => {
    const answers = status === 'never' ? { status } : { status, packsPerDay: packsPerDay.trim() === '' ? null : Number(packsPerDay), yearsSmoked: yearsSmoked.trim() === '' ? null : Number(yearsSmoked) };
    record.mutate({ instrument: 'tobacco', answers }, { onSuccess: () => setErrors({}), onError: (error) => setErrors(issuesOf(error)) });
  };
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs">
        <NativeSelect label="Tobacco use" data={[{ value: 'never', label: 'Never smoker' }, { value: 'former', label: 'Former smoker' }, { value: 'current', label: 'Current smoker' }]} value={status} onChange={(event) => setStatus(event.currentTarget.value)} error={errors['answers.status'] ?? errors.status} />
        {status !== 'never' ? <TextInput label="Packs per day" inputMode="decimal" value={packsPerDay} onChange={(event) => setPacksPerDay(event.currentTarget.value)} error={errors['answers.packsPerDay'] ?? errors.packsPerDay} /> : null}
        {status !== 'never' ? <TextInput label="Years smoked" inputMode="decimal" value={yearsSmoked} onChange={(event) => setYearsSmoked(event.currentTarget.value)} error={errors['answers.yearsSmoked'] ?? errors.yearsSmoked} /> : null}
      </SimpleGrid>
      {record.isError && Object.keys(errors).length === 0 ? <ErrorState error={record.error} title="Not recorded" /> : null}
      <Group justify="flex-end"><Button onClick={submit} loading={record.isPending}>Record tobacco use</Button></Group>
      {record.data ? <ResultLine result={record.data} /> : null}
    </Stack>
  );
}

function ScreeningsThisVisit({ screenings }: { screenings: Screening[] }) {
  if (screenings.length === 0) return null;
  return (
    <Table aria-label="Screenings this visit" verticalSpacing={4}>
      <Table.Thead><Table.Tr><Table.Th>Screening</Table.Th><Table.Th>Result</Table.Th><Table.Th>Band</Table.Th></Table.Tr></Table.Thead>
      <Table.Tbody>
        {screenings.map((screening) => (
          <Table.Tr key={screening.id}>
            <Table.Td>{screeningNames[screening.instrument]}</Table.Td>
            <Table.Td>
              <Group gap={4}>
                {screening.total !== null ? <Text size="sm">{screening.instrument === 'tobacco' ? `${screening.total} pack-years` : screening.total}</Text> : null}
                <Badge size="sm" color={screening.isPositive ? 'orange' : 'green'} variant="light" tt="none">{screening.isPositive ? 'Positive' : 'Negative'}</Badge>
                {screening.needsUrgentFollowUp ? <Badge size="sm" color="red" variant="filled" tt="none">Urgent</Badge> : null}
              </Group>
            </Table.Td>
            <Table.Td>{screening.band ? screeningBandLabel(screening.band) : '—'}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Depression, anxiety, alcohol, falls (65+) and tobacco screenings, each scored by the server. */
export function ScreeningsPanel({ encounterId, patientId, ageYears }: { encounterId: string; patientId: string; ageYears: number | null }) {
  const screenings = usePatientScreenings(patientId);
  const thisVisit = (screenings.data?.screenings ?? []).filter((screening) => screening.encounterId === encounterId);
  // PHQ, GAD-7 and AUDIT-C are validated from adolescence (12+); a younger child gets tobacco (household) only.
  const isAdolescentOrAdult = ageYears === null || ageYears >= 12;
  const instruments: { value: string; label: string }[] = [
    ...(isAdolescentOrAdult ? [{ value: 'depression', label: 'PHQ-2 / PHQ-9' }, { value: 'gad-7', label: 'GAD-7' }, { value: 'audit-c', label: 'AUDIT-C' }] : []),
    ...(ageYears !== null && ageYears >= 65 ? [{ value: 'fall-risk', label: 'Fall risk' }] : []),
    { value: 'tobacco', label: 'Tobacco' },
  ];
  const urgent = thisVisit.some((screening) => screening.needsUrgentFollowUp);
  return (
    <Paper withBorder radius="md" p="md" role="region" aria-label="Screenings">
      <Stack gap="sm">
        <Title order={3} size="h4">Screenings</Title>
        {urgent ? <Alert color="red" variant="light" role="status">A PHQ-9 item 9 answer this visit sent an urgent task to the provider.</Alert> : null}
        <Tabs defaultValue={isAdolescentOrAdult ? 'depression' : 'tobacco'} keepMounted>
          <Tabs.List>
            {instruments.map((instrument) => <Tabs.Tab key={instrument.value} value={instrument.value}>{instrument.label}</Tabs.Tab>)}
          </Tabs.List>
          {isAdolescentOrAdult ? (
            <>
              <Tabs.Panel value="depression" pt="sm"><DepressionScreen encounterId={encounterId} patientId={patientId} /></Tabs.Panel>
              <Tabs.Panel value="gad-7" pt="sm"><QuestionnaireScreen encounterId={encounterId} patientId={patientId} instrument="gad-7" /></Tabs.Panel>
              <Tabs.Panel value="audit-c" pt="sm"><QuestionnaireScreen encounterId={encounterId} patientId={patientId} instrument="audit-c" /></Tabs.Panel>
            </>
          ) : null}
          {ageYears !== null && ageYears >= 65 ? <Tabs.Panel value="fall-risk" pt="sm"><FallRiskScreen encounterId={encounterId} patientId={patientId} /></Tabs.Panel> : null}
          <Tabs.Panel value="tobacco" pt="sm"><TobaccoScreen encounterId={encounterId} patientId={patientId} /></Tabs.Panel>
        </Tabs>
        <ScreeningsThisVisit screenings={thisVisit} />
      </Stack>
    </Paper>
  );
}
