import { Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useNavigate, useParams } from 'react-router';
import { usePatient } from '../../front-desk/patients/patients.queries.js';
import { formatDate, formatDateTime, patientName } from '../format.js';
import { PatientPicker } from '../ui/patient-picker.js';
import { EmptyState, ErrorState, LoadingState } from '../ui/states.js';
import { useDisclosureReport } from './audit.queries.js';

function DisclosureReportView({ patientId }: { patientId: string }) {
  const report = useDisclosureReport(patientId);
  const patient = usePatient(patientId);
  if (report.isPending) return <LoadingState label="Preparing the accounting…" />;
  if (report.isError) return <ErrorState error={report.error} onRetry={() => void report.refetch()} />;
  const data = report.data;
  return (
    <Stack className="print-document">
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={3}>Accounting of disclosures</Title>
          <Text>
            {patient.data ? `${patientName(patient.data)} · DOB ${formatDate(patient.data.dateOfBirth)} · MRN ${patient.data.mrn}` : `Patient ${patientId}`}
          </Text>
          <Text size="sm" c="dimmed">Period {formatDateTime(data.from)} to {formatDateTime(data.to)} (45 CFR 164.528: up to six years)</Text>
        </div>
        <Button className="no-print" onClick={() => window.print()}>Print</Button>
      </Group>
      {data.disclosures.length === 0 ? (
        <EmptyState title="No disclosures in this period">Nothing was disclosed outside treatment, payment and operations.</EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={800}>
          <Table withTableBorder verticalSpacing={6} aria-label="Disclosures">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Date</Table.Th>
                <Table.Th>Recipient</Table.Th>
                <Table.Th>What was disclosed</Table.Th>
                <Table.Th>Purpose</Table.Th>
                <Table.Th>Recorded by</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.disclosures.map((item, index) => (
                <Table.Tr key={`${item.disclosedAt}-${index}`}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(item.disclosedAt)}</Table.Td>
                  <Table.Td>{item.recipient}</Table.Td>
                  <Table.Td>{item.description}</Table.Td>
                  <Table.Td>{item.purpose}</Table.Td>
                  <Table.Td>{item.recordedBy}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

export function DisclosuresPage() {
  const { patientId = '' } = useParams();
  const navigate = useNavigate();
  return (
    <Stack maw={1100}>
      <Title order={2} className="no-print">Disclosures</Title>
      <Paper withBorder radius="md" p="md" className="no-print">
        <PatientPicker
          value={null}
          onChange={(picked) => { if (picked) void navigate(`/disclosures/${picked.id}`); }}
        />
      </Paper>
      {patientId ? (
        <Paper withBorder radius="md" p="md">
          <DisclosureReportView patientId={patientId} />
        </Paper>
      ) : (
        <EmptyState title="Choose a patient">The accounting lists every disclosure of this patient’s information for the last six years.</EmptyState>
      )}
    </Stack>
  );
}
