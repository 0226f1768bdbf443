import '@mantine/charts/styles.css';
import { LineChart } from '@mantine/charts';
import { Badge, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { InterpretationCode } from '../../../../contracts/exam-room/vitals.js';
import { EmptyState, ErrorState, LoadingState } from '../../platform/ui/states.js';
import { useVitalTrends, type VitalSeries } from './chart.queries.js';
import {
  formatMeasure, interpretationColor, interpretationLabels, isAbnormal, isBloodPressurePanel, shortDate, trendRank, unitLabel, usEquivalent, vitalCodes, vitalName,
} from './vital-units.js';

interface Line {
  /** Key in each chart row. */
  key: string;
  label: string;
  color: string;
}

interface Row {
  date: string;
  effectiveAt: string;
  [key: string]: number | string | null | boolean;
}

const tickFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
/** Axis ticks carry numbers only (the unit is in the card's title), at most one decimal. */
const tickNumber = (value: number) => tickFormat.format(value);

const flagKey = (key: string) => `${key}Flag`;
const criticalKey = (key: string) => `${key}Critical`;

/**
 * The y-axis range: automatic, but at least 2 units wide, so a steady reading (the same height at each
 * visit) does not get ticks a hundredth apart that read alike once rounded.
 */
function yDomain(rows: Row[], lines: Line[]): [number, number] | ['auto', 'auto'] {
  const values = rows.flatMap((row) => lines.map((line) => row[line.key])).filter((value): value is number => typeof value === 'number');
  if (values.length === 0) return ['auto', 'auto'];
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (max - min >= 2) return ['auto', 'auto'];
  const middle = (min + max) / 2;
  return [min >= 0 ? Math.max(0, Math.floor(middle - 1)) : Math.floor(middle - 1), Math.ceil(middle + 1)];
}

/** Turns one series into chart rows and the lines to draw (systolic and diastolic for blood pressure). */
function toRows(series: VitalSeries): { lines: Line[]; rows: Row[] } {
  const isBloodPressure = isBloodPressurePanel(series.code);
  const lines: Line[] = isBloodPressure
    ? [{ key: 'systolic', label: 'Systolic', color: 'indigo.7' }, { key: 'diastolic', label: 'Diastolic', color: 'cyan.7' }]
    : [{ key: 'value', label: vitalName(series.code, series.display), color: 'teal.7' }];
  const rows = [...series.points]
    .sort((a, b) => a.effectiveAt.localeCompare(b.effectiveAt))
    .map((point) => {
      const row: Row = { date: shortDate(point.effectiveAt), effectiveAt: point.effectiveAt };
      if (isBloodPressure) {
        for (const [key, code] of [['systolic', vitalCodes.systolic], ['diastolic', vitalCodes.diastolic]] as const) {
          const component = point.components.find((candidate) => candidate.code === code);
          row[key] = component?.value ?? null;
          row[flagKey(key)] = component?.interpretation ?? point.interpretation;
          row[criticalKey(key)] = point.isCritical && isAbnormal(component?.interpretation ?? point.interpretation);
        }
      } else {
        row.value = point.value;
        row[flagKey('value')] = point.interpretation;
        row[criticalKey('value')] = point.isCritical;
      }
      return row;
    });
  return { lines, rows };
}

interface DotProps {
  cx?: number | null;
  cy?: number | null;
  index?: number;
  payload?: Row;
  stroke?: string;
}

/** A plain dot for a normal reading; a larger red (critical) or orange (abnormal) dot otherwise. */
function readingDot(line: Line) {
  return function ReadingDot({ cx, cy, index, payload, stroke }: DotProps) {
    if (cx === null || cx === undefined || cy === null || cy === undefined || !payload) return <g key={`${line.key}-${index}`} />;
    const interpretation = payload[flagKey(line.key)] as InterpretationCode | null;
    const critical = payload[criticalKey(line.key)] === true;
    const abnormal = isAbnormal(interpretation) || critical;
    if (!abnormal) {
      return <circle key={`${line.key}-${index}`} cx={cx} cy={cy} r={3.5} fill="white" stroke={stroke} strokeWidth={2} data-reading="normal" />;
    }
    const color = interpretationColor(interpretation, critical) === 'red' ? 'var(--mantine-color-red-7)' : 'var(--mantine-color-orange-6)';
    return (
      <circle key={`${line.key}-${index}`} cx={cx} cy={cy} r={6} fill={color} stroke="white" strokeWidth={1.5}
        data-reading={critical ? 'critical' : 'abnormal'}>
        <title>{interpretation ? interpretationLabels[interpretation] : 'Critical'}</title>
      </circle>
    );
  };
}

function FlagBadge({ interpretation, isCritical }: { interpretation: InterpretationCode | null; isCritical: boolean }) {
  if (!interpretation && !isCritical) return <Text span c="dimmed">—</Text>;
  const label = interpretation ? interpretationLabels[interpretation] : 'Critical';
  return <Badge size="sm" variant={isAbnormal(interpretation) || isCritical ? 'filled' : 'light'} color={interpretationColor(interpretation, isCritical)}>{label}</Badge>;
}

function readingText(series: VitalSeries, point: VitalSeries['points'][number]): string {
  if (isBloodPressurePanel(series.code)) {
    // Whole mmHg, as a cuff reads (imported records may carry decimals).
    const mmHg = (code: string) => {
      const value = point.components.find((component) => component.code === code)?.value;
      return value === null || value === undefined ? '—' : String(Math.round(value));
    };
    return `${mmHg(vitalCodes.systolic)}/${mmHg(vitalCodes.diastolic)} ${unitLabel(series.unit ?? 'mm[Hg]')}`;
  }
  const us = usEquivalent(point.value, series.unit);
  return us ? `${formatMeasure(point.value, series.unit)} (${us})` : formatMeasure(point.value, series.unit);
}

/** One vital over time: the line chart with abnormal points marked, and the readings as a table. */
export function VitalTrendCard({ series }: { series: VitalSeries }) {
  const name = vitalName(series.code, series.display);
  const unit = unitLabel(isBloodPressurePanel(series.code) ? (series.unit ?? 'mm[Hg]') : series.unit);
  const { lines, rows } = toRows(series);
  const newestFirst = [...series.points].sort((a, b) => b.effectiveAt.localeCompare(a.effectiveAt));
  const latest = newestFirst[0];
  const abnormalCount = series.points.filter((point) => isAbnormal(point.interpretation) || point.isCritical).length;
  return (
    <Paper withBorder radius="md" p="md" role="region" aria-label={`${name} trend`} data-testid="vital-trend" data-code={series.code}>
      <Group justify="space-between" align="baseline" mb="xs" wrap="nowrap">
        <Title order={4} size="h5">{name}{unit ? <Text span c="dimmed" fw={400} size="sm"> ({unit})</Text> : null}</Title>
        {latest ? <Text size="sm"><Text span c="dimmed">Latest </Text><Text span fw={600}>{readingText(series, latest)}</Text></Text> : null}
      </Group>
      <LineChart
        h={200}
        data={rows}
        dataKey="date"
        series={lines.map((line) => ({ name: line.key, label: line.label, color: line.color }))}
        curveType="linear"
        unit={unit ? ` ${unit}` : ''}
        withLegend={lines.length > 1}
        legendProps={{ verticalAlign: 'top', height: 28 }}
        yAxisProps={{ domain: yDomain(rows, lines), width: 44, unit: '', tickFormatter: tickNumber }}
        lineProps={(line) => {
          const match = lines.find((candidate) => candidate.key === line.name) ?? lines[0]!;
          return { dot: readingDot(match), isAnimationActive: false };
        }}
        valueFormatter={tickNumber}
        tooltipAnimationDuration={100}
      />
      {abnormalCount > 0 ? (
        <Text size="xs" c="dimmed" mt={4}>
          <Text span c="orange.7" fw={700}>●</Text> abnormal · <Text span c="red.7" fw={700}>●</Text> critical ({abnormalCount} of {series.points.length} readings flagged)
        </Text>
      ) : null}
      <Table mt="sm" striped withRowBorders={false} fz="sm" aria-label={`${name} readings`}>
        <Table.Thead>
          <Table.Tr><Table.Th>Date</Table.Th><Table.Th>Reading</Table.Th><Table.Th>Flag</Table.Th></Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {newestFirst.slice(0, 6).map((point) => (
            <Table.Tr key={point.observationId}>
              <Table.Td>{shortDate(point.effectiveAt)}</Table.Td>
              <Table.Td>{readingText(series, point)}</Table.Td>
              <Table.Td><FlagBadge interpretation={point.interpretation} isCritical={point.isCritical} /></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {newestFirst.length > 6 ? <Text size="xs" c="dimmed">Showing the 6 newest of {newestFirst.length} readings; the chart shows all.</Text> : null}
    </Paper>
  );
}

/** The patient's vital signs over time, one chart per vital. */
export function VitalTrends({ patientId }: { patientId: string }) {
  const trends = useVitalTrends(patientId);
  if (trends.isPending) return <LoadingState label="Loading vital signs…" />;
  if (trends.isError) return <ErrorState error={trends.error} onRetry={() => void trends.refetch()} />;
  const series = trends.data.series
    .filter((candidate) => candidate.points.length > 0)
    .sort((a, b) => trendRank(a.code) - trendRank(b.code));
  if (series.length === 0) return <EmptyState title="No vital signs recorded yet">Readings taken at rooming appear here as trends.</EmptyState>;
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        {series.map((one) => <VitalTrendCard key={one.code} series={one} />)}
      </SimpleGrid>
    </Stack>
  );
}
