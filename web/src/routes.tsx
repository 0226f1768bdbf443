import { Navigate, Route, Routes, useLocation } from 'react-router';
import { Stack, Text, Title } from '@mantine/core';
import { PatientSearchPage } from './front-desk/patients/patient-search.page.js';
import { PatientPage } from './front-desk/patients/patient.page.js';
import { RegisterPatientPage } from './front-desk/patients/register-patient.page.js';
import { FlowBoardPage } from './front-desk/flow-board/flow-board.page.js';
import { RoomGridPage } from './front-desk/flow-board/room-grid.page.js';
import { SchedulePage } from './front-desk/scheduling/schedule.page.js';
import { SlotFinderPage } from './front-desk/scheduling/slot-finder.page.js';
import { RemindersOutboxPage } from './front-desk/reminders/reminders-outbox.page.js';
import { ImportPage } from './interop/import.page.js';
import { InboxPage } from './platform/tasks/inbox.page.js';
import { RoomingPage } from './exam-room/rooming/rooming.page.js';
import { RoomingSummaryPage } from './exam-room/rooming/rooming-summary.page.js';
import { ObservationSummaryRedirect } from './exam-room/rooming/task-focus.js';
import { AppLayout } from './platform/app-shell.js';
import { AuditTrailPage } from './platform/audit/audit-trail.page.js';
import { DisclosuresPage } from './platform/audit/disclosures.page.js';
import { ManagerAlertsPage } from './platform/audit/manager-alerts.page.js';
import { SecondFactorSetupPage } from './platform/second-factor-setup.page.js';
import { useSession } from './platform/session.js';
import { SignInPage } from './platform/sign-in.page.js';
import { LoadingState } from './platform/ui/states.js';

function RequireSession() {
  const { state } = useSession();
  const location = useLocation();
  if (state.status === 'checking') return <LoadingState label="Opening Medassist…" />;
  if (state.status === 'signed-out') {
    return <Navigate to="/sign-in" replace state={{ from: `${location.pathname}${location.search}` }} />;
  }
  if (state.session.secondFactorSetupRequired) return <SecondFactorSetupPage />;
  return <AppLayout />;
}

function HomePage() {
  const { can, state } = useSession();
  if (can('patient.search')) return <Navigate to="/patients" replace />;
  const name = state.status === 'signed-in' ? state.session.staffMember.displayName : '';
  return (
    <Stack>
      <Title order={2}>Welcome, {name}</Title>
      <Text c="dimmed">Choose a work area from the menu.</Text>
    </Stack>
  );
}

function NotFoundPage() {
  return (
    <Stack>
      <Title order={2}>Page not found</Title>
      <Text c="dimmed">This address does not match a Medassist page. Use the menu to continue.</Text>
    </Stack>
  );
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route element={<RequireSession />}>
        <Route index element={<HomePage />} />
        <Route path="patients" element={<PatientSearchPage />} />
        <Route path="patients/new" element={<RegisterPatientPage />} />
        <Route path="patients/:patientId" element={<PatientPage />} />
        <Route path="schedule" element={<SchedulePage />} />
        <Route path="schedule/find-slot" element={<SlotFinderPage />} />
        <Route path="flow-board" element={<FlowBoardPage />} />
        <Route path="rooms" element={<RoomGridPage />} />
        <Route path="inbox" element={<InboxPage />} />
        <Route path="visits/:appointmentId/rooming" element={<RoomingPage />} />
        <Route path="encounters/:encounterId/summary" element={<RoomingSummaryPage />} />
        <Route path="observations/:observationId/summary" element={<ObservationSummaryRedirect />} />
        <Route path="reminders" element={<RemindersOutboxPage />} />
        <Route path="import" element={<ImportPage />} />
        <Route path="audit" element={<AuditTrailPage />} />
        <Route path="disclosures" element={<DisclosuresPage />} />
        <Route path="disclosures/:patientId" element={<DisclosuresPage />} />
        <Route path="manager-alerts" element={<ManagerAlertsPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
