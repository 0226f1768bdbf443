import { Paper, Stack, Tabs, Title } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { useSearchParams } from 'react-router';
import type { Patient } from '../../../../contracts/front-desk/patient.contract.js';
import { ageInYears } from '../../platform/format.js';
import { useSession } from '../../platform/session.js';
import { AllergiesPanel } from './allergies-panel.js';
import { HistoriesPanel } from './histories-panel.js';
import { ImmunizationsPanel } from './immunizations-panel.js';
import { MedicationsPanel } from './medications-panel.js';
import { ProblemsPanel } from './problems-panel.js';
import { LoadingState } from '../../platform/ui/states.js';

// The charting library (recharts) is loaded only when a chart is opened, not with the rest of the app.
const GrowthCharts = lazy(() => import('./growth-charts.js').then((module) => ({ default: module.GrowthCharts })));
const VitalTrends = lazy(() => import('./vital-trends.js').then((module) => ({ default: module.VitalTrends })));

const tabs = ['vitals', 'allergies', 'medications', 'problems', 'histories', 'immunizations'] as const;
type ChartTab = (typeof tabs)[number];

/** CDC growth charts run to 20 years. */
export function hasGrowthCharts(dateOfBirth: string, today = new Date()): boolean {
  return ageInYears(dateOfBirth, today) < 20;
}

function VitalsAndGrowth({ patient }: { patient: Patient }) {
  const child = hasGrowthCharts(patient.dateOfBirth);
  return (
    <Suspense fallback={<LoadingState label="Loading charts…" />}>
      <Stack gap="lg">
        {child ? (
          <Stack gap="sm" role="region" aria-label="Growth charts">
            <Title order={3} size="h4">Growth charts</Title>
            <GrowthCharts patientId={patient.id} />
          </Stack>
        ) : null}
        <Stack gap="sm" role="region" aria-label="Vital sign trends">
          <Title order={3} size="h4">Vital sign trends</Title>
          <VitalTrends patientId={patient.id} />
        </Stack>
      </Stack>
    </Suspense>
  );
}

/** The patient's clinical chart on the patient page: vitals and growth, allergies, medications, problems, histories, immunizations. */
export function ClinicalSection({ patient }: { patient: Patient }) {
  const { can } = useSession();
  const [searchParams, setSearchParams] = useSearchParams();
  const mayReadVitals = can('vitals.read');
  const mayReadHistories = can('history.read');
  if (!mayReadVitals && !mayReadHistories) return null;
  const available = tabs.filter((tab) => (tab === 'vitals' ? mayReadVitals : mayReadHistories));
  const requested = searchParams.get('chart') as ChartTab | null;
  const active = requested && available.includes(requested) ? requested : available[0]!;
  const choose = (value: string | null) => {
    if (!value) return;
    const next = new URLSearchParams(searchParams);
    next.set('chart', value);
    setSearchParams(next, { replace: true });
  };
  return (
    <Paper withBorder radius="md" p="md" role="region" aria-label="Clinical chart">
      <Tabs value={active} onChange={choose} keepMounted={false}>
        <Tabs.List mb="md">
          {mayReadVitals ? <Tabs.Tab value="vitals">Vitals & growth</Tabs.Tab> : null}
          {mayReadHistories ? (
            <>
              <Tabs.Tab value="allergies">Allergies</Tabs.Tab>
              <Tabs.Tab value="medications">Medications</Tabs.Tab>
              <Tabs.Tab value="problems">Problems</Tabs.Tab>
              <Tabs.Tab value="histories">Histories</Tabs.Tab>
              <Tabs.Tab value="immunizations">Immunizations</Tabs.Tab>
            </>
          ) : null}
        </Tabs.List>
        {mayReadVitals ? <Tabs.Panel value="vitals"><VitalsAndGrowth patient={patient} /></Tabs.Panel> : null}
        {mayReadHistories ? (
          <>
            <Tabs.Panel value="allergies"><AllergiesPanel patientId={patient.id} /></Tabs.Panel>
            <Tabs.Panel value="medications"><MedicationsPanel patientId={patient.id} /></Tabs.Panel>
            <Tabs.Panel value="problems"><ProblemsPanel patientId={patient.id} /></Tabs.Panel>
            <Tabs.Panel value="histories"><HistoriesPanel patientId={patient.id} /></Tabs.Panel>
            <Tabs.Panel value="immunizations"><ImmunizationsPanel patientId={patient.id} /></Tabs.Panel>
          </>
        ) : null}
      </Tabs>
    </Paper>
  );
}
