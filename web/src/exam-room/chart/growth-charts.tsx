import '@mantine/charts/styles.css';
import { LineChart } from '@mantine/charts';
import { Alert, Badge, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { growthChartKinds } from '../../../../contracts/exam-room/vitals.js';
import { EmptyState, ErrorState, LoadingState } from '../../platform/ui/states.js';
import { useGrowthCharts, type GrowthChart } from './chart.queries.js';
import { shortDate, unitLabel } from './vital-units.js';

const chartTitles: Record<(typeof growthChartKinds)[number], string> = {
  'weight-for-age': 'Weight-for-age',
  'length-or-stature-for-age': 'Length/stature-for-age',
  'bmi-for-age': 'BMI-for-age',
  'head-circumference-for-age': 'Head circumference-for-age',
};

const childKey = 'child';

/** "9.5 mo" under two years, "2 y 3 mo" after. */
export function formatAgeMonths(ageMonths: number): string {
  if (ageMonths < 24) return `${ageMonths.toFixed(1)} mo`;
  const years = Math.floor(ageMonths / 12);
  const months = Math.floor(ageMonths - years * 12);
  return months === 0 ? `${years} y` : `${years} y ${months} mo`;
}

export function formatPercentile(percentile: number | null): string {
  if (percentile === null) return '—';
  if (percentile < 0.1) return '<0.1';
  if (percentile > 99.9) return '>99.9';
  return percentile.toFixed(1);
}

export function formatZ(z: number | null): string {
  if (z === null) return '—';
  return `${z >= 0 ? '+' : '−'}${Math.abs(z).toFixed(2)}`;
}

/** Percentiles outside P5–P95 deserve the provider's eye (CDC: <P5 underweight/short, ≥P95 obesity for BMI). */
function percentileColor(percentile: number | null): string {
  if (percentile === null) return 'gray';
  if (percentile < 3 || percentile > 97) return 'red';
  if (percentile < 5 || percentile >= 95) return 'orange';
  return 'teal';
}

type Row = Record<string, number | null>;

/** A measurement outside the chart's ages (e.g. BMI under 2 years) has no percentile and is not plotted. */
const isOnChart = (point: GrowthChart['points'][number]) => point.percentile !== null;

/** Only the outer and middle curves are named at their end; nine labels overlap where the curves run close. */
const labelledCurves = new Set(['P3', 'P50', 'P97']);

/** Merges the reference curves and the child's points into rows by age, within a window around the child's ages. */
function toRows(chart: GrowthChart): { rows: Row[]; percentiles: string[]; domain: [number, number] } {
  const percentiles = chart.curves.map((curve) => curve.percentile);
  const curveAges = chart.curves.flatMap((curve) => curve.points.map((point) => point.ageMonths));
  const plotted = chart.points.filter(isOnChart);
  const childAges = plotted.map((point) => point.ageMonths);
  const curveMin = curveAges.length ? Math.min(...curveAges) : 0;
  const curveMax = curveAges.length ? Math.max(...curveAges) : 36;
  let low = curveMin;
  let high = curveMax;
  if (childAges.length) {
    low = Math.max(curveMin, Math.floor((Math.min(...childAges) - 6) / 6) * 6);
    high = Math.min(curveMax, Math.ceil((Math.max(...childAges) + 6) / 6) * 6);
    if (high - low < 12) high = Math.min(curveMax, low + 12);
  }
  const byAge = new Map<number, Row>();
  const rowAt = (ageMonths: number): Row => {
    const key = Math.round(ageMonths * 100) / 100;
    let row = byAge.get(key);
    if (!row) {
      row = { ageMonths: key };
      byAge.set(key, row);
    }
    return row;
  };
  for (const curve of chart.curves) {
    for (const point of curve.points) {
      if (point.ageMonths >= low && point.ageMonths <= high) rowAt(point.ageMonths)[curve.percentile] = point.value;
    }
  }
  for (const point of plotted) rowAt(point.ageMonths)[childKey] = point.value;
  const rows = [...byAge.values()].sort((a, b) => (a.ageMonths ?? 0) - (b.ageMonths ?? 0));
  return { rows, percentiles, domain: [low, high] };
}

interface LabelProps {
  x?: number | string;
  y?: number | string;
  index?: number;
}

/** Writes the percentile name ("P97") at the right end of its curve. */
function curveEndLabel(lastIndex: number, text: string) {
  return function CurveEndLabel({ x, y, index }: LabelProps) {
    if (index !== lastIndex || x === undefined || y === undefined) return null;
    return <text x={Number(x) + 4} y={Number(y)} dy={3} fontSize={10} fill="var(--mantine-color-gray-6)">{text}</text>;
  };
}

/** One CDC growth chart: percentile curves, the child's measurements, and their percentiles and z-scores. */
export function GrowthChartCard({ chart }: { chart: GrowthChart }) {
  const title = chartTitles[chart.kind];
  const unit = unitLabel(chart.unit);
  const { rows, percentiles, domain } = toRows(chart);
  const lastIndexOf = (key: string) => rows.reduce((last, row, index) => (row[key] !== undefined && row[key] !== null ? index : last), -1);
  const points = [...chart.points].sort((a, b) => a.ageMonths - b.ageMonths);
  const ticks: number[] = [];
  const step = domain[1] - domain[0] > 48 ? 12 : domain[1] - domain[0] > 18 ? 6 : 3;
  for (let tick = Math.ceil(domain[0] / step) * step; tick <= domain[1]; tick += step) ticks.push(tick);

  return (
    <Paper withBorder radius="md" p="md" role="region" aria-label={`${title} growth chart`} data-testid="growth-chart" data-kind={chart.kind}>
      <Group justify="space-between" align="baseline" mb="xs">
        <Title order={4} size="h5">{title}{unit ? <Text span c="dimmed" fw={400} size="sm"> ({unit})</Text> : null}</Title>
        <Text size="xs" c="dimmed">CDC percentiles P{percentiles.map((label) => label.replace(/^P/, '')).join(', P')}</Text>
      </Group>
      {chart.points.length === 0 ? (
        <Text c="dimmed" size="sm">No measurements on this chart yet.</Text>
      ) : (
        <>
          {!chart.points.some(isOnChart) ? <Text c="dimmed" size="sm">No measurement is within this chart's ages yet.</Text> : (
          <LineChart
            h={300}
            data={rows}
            dataKey="ageMonths"
            withTooltip={false}
            connectNulls
            curveType="monotone"
            gridAxis="xy"
            xAxisLabel="Age (months)"
            yAxisLabel={unit}
            xAxisProps={{ type: 'number', domain, ticks, allowDecimals: false }}
            yAxisProps={{ domain: ['auto', 'auto'], width: 48 }}
            lineChartProps={{ margin: { right: 34, left: 4 } }}
            series={[
              ...percentiles.map((label) => ({ name: label, color: label === 'P50' ? 'gray.7' : 'gray.4', label })),
              { name: childKey, color: 'teal.7', label: 'This child' },
            ]}
            lineProps={(series) => series.name === childKey
              ? { strokeWidth: 2.5, dot: { r: 5, fill: 'var(--mantine-color-teal-7)', strokeWidth: 0 }, isAnimationActive: false }
              : {
                strokeWidth: series.name === 'P50' ? 1.6 : 1,
                strokeDasharray: series.name === 'P3' || series.name === 'P97' ? '4 3' : undefined,
                dot: false,
                activeDot: false,
                isAnimationActive: false,
                ...(labelledCurves.has(series.name) ? { label: curveEndLabel(lastIndexOf(series.name), series.name) } : {}),
              }}
          />
          )}
          <Table mt="sm" striped withRowBorders={false} fz="sm" aria-label={`${title} percentiles`}>
            <Table.Thead>
              <Table.Tr><Table.Th>Date</Table.Th><Table.Th>Age</Table.Th><Table.Th>Measurement</Table.Th><Table.Th>Percentile</Table.Th><Table.Th>z-score</Table.Th></Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {points.map((point) => (
                <Table.Tr key={point.observationId}>
                  <Table.Td>{shortDate(point.effectiveAt)}</Table.Td>
                  <Table.Td>{formatAgeMonths(point.ageMonths)}</Table.Td>
                  <Table.Td>{point.value.toFixed(1)} {unitLabel(point.unit)}</Table.Td>
                  <Table.Td><Badge variant="light" color={percentileColor(point.percentile)}>{formatPercentile(point.percentile)}</Badge></Table.Td>
                  <Table.Td ff="monospace">{formatZ(point.z)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {points.some((point) => point.percentile === null) ? (
            <Text size="xs" c="dimmed">— : the measurement is outside this chart's ages{chart.kind === 'bmi-for-age' ? ' (BMI-for-age starts at 2 years; under 2, CDC uses weight-for-length)' : ''}.</Text>
          ) : null}
        </>
      )}
    </Paper>
  );
}

/** The child's CDC growth charts (weight, length/stature, BMI, head circumference for age). */
export function GrowthCharts({ patientId }: { patientId: string }) {
  const growth = useGrowthCharts(patientId, true);
  if (growth.isPending) return <LoadingState label="Loading growth charts…" />;
  if (growth.isError) return <ErrorState error={growth.error} onRetry={() => void growth.refetch()} />;
  if (growth.data.sex === null) {
    return <Alert color="gray" role="status">Growth charts need the child's sex at birth (CDC charts are by sex). Record it in demographics.</Alert>;
  }
  const withPoints = growth.data.charts.filter((chart) => chart.points.length > 0);
  const withoutPoints = growth.data.charts.filter((chart) => chart.points.length === 0);
  if (withPoints.length === 0) return <EmptyState title="No growth measurements yet">Weight, length or height and head circumference taken at rooming are plotted here.</EmptyState>;
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        {withPoints.map((chart) => <GrowthChartCard key={chart.kind} chart={chart} />)}
      </SimpleGrid>
      {withoutPoints.length > 0 ? (
        <Text size="sm" c="dimmed">No measurements yet for: {withoutPoints.map((chart) => chartTitles[chart.kind]).join(', ')}.</Text>
      ) : null}
    </Stack>
  );
}
