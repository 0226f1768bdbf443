import { useQuery } from '@tanstack/react-query';
import { Navigate, useParams, useSearchParams } from 'react-router';
import type { ChartSummary } from '../../../../contracts/exam-room/encounters.js';
import { api } from '../../platform/api.js';
import { EmptyState, ErrorState, LoadingState } from '../../platform/ui/states.js';

/**
 * Opens the rooming summary of the visit a reading belongs to. The API has no "observation by id"
 * read, so this asks the patient's chart summary: the reading's own encounter when it is among the
 * latest vitals, else the newest encounter (a critical-vital task is raised during today's visit).
 */
export function ObservationSummaryRedirect() {
  const { observationId = '' } = useParams();
  const [params] = useSearchParams();
  const patientId = params.get('patientId') ?? '';
  const chart = useQuery({
    queryKey: ['chart-summary', patientId],
    queryFn: ({ signal }) => api.get<ChartSummary>(`/api/patients/${encodeURIComponent(patientId)}/chart-summary`, { signal }),
    enabled: Boolean(patientId),
  });
  if (!patientId) return <EmptyState title="No patient on this task">Open the patient from the inbox instead.</EmptyState>;
  if (chart.isPending) return <LoadingState label="Finding the visit…" />;
  if (chart.isError) return <ErrorState error={chart.error} onRetry={() => void chart.refetch()} />;
  const encounterId = chart.data.latestVitals.find((reading) => reading.id === observationId)?.encounterId ?? chart.data.recentEncounters[0]?.id;
  if (!encounterId) return <EmptyState title="No visit found for this reading" />;
  return <Navigate to={`/encounters/${encodeURIComponent(encounterId)}/summary`} replace />;
}
