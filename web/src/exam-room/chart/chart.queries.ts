import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { growthChartsResponseSchema, vitalTrendResponseSchema } from '../../../../contracts/exam-room/vitals.js';
import { api } from '../../platform/api.js';

export type VitalTrends = z.infer<typeof vitalTrendResponseSchema>;
export type VitalSeries = VitalTrends['series'][number];
export type GrowthCharts = z.infer<typeof growthChartsResponseSchema>;
export type GrowthChart = GrowthCharts['charts'][number];

export const chartKeys = {
  all: (patientId: string) => ['patient-chart', patientId] as const,
  trends: (patientId: string) => ['patient-chart', patientId, 'vital-trends'] as const,
  growth: (patientId: string) => ['patient-chart', patientId, 'growth-charts'] as const,
};

const patientPath = (patientId: string) => `/api/patients/${encodeURIComponent(patientId)}`;

/** Every vital's readings over time, one series per LOINC code. */
export function useVitalTrends(patientId: string) {
  return useQuery({
    queryKey: chartKeys.trends(patientId),
    queryFn: ({ signal }) => api.get<VitalTrends>(`${patientPath(patientId)}/vitals`, { signal }),
  });
}

/** CDC growth charts for a child: reference percentile curves and the child's own points. */
export function useGrowthCharts(patientId: string, enabled: boolean) {
  return useQuery({
    queryKey: chartKeys.growth(patientId),
    queryFn: ({ signal }) => api.get<GrowthCharts>(`${patientPath(patientId)}/growth-charts`, { signal }),
    enabled,
  });
}
