import { Badge, Button, Checkbox, Group, Menu, NativeSelect, Paper, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { useInterval } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { TaskView } from '../../../../contracts/platform/task.contract.js';
import { taskPools } from '../../../../contracts/platform/task.contract.js';
import { useLiveTopics } from '../live.js';
import { useSession, useSignedInSession } from '../session.js';
import { LiveIndicator } from '../ui/live-indicator.js';
import { EmptyState, ErrorState, LoadingState } from '../ui/states.js';
import { poolLabels, useBulkTasks, useStaffDirectory, useTaskCounts, useTasks, useWorkTask, type InboxView, type TaskAction, type TaskPool } from './tasks.queries.js';

const priorityColors: Record<TaskView['priority'], string> = { routine: 'gray', urgent: 'orange', stat: 'red' };

/** The page a task is about, by its focus (routes owned by the areas: exam room's rooming summary). */
function taskFocusPath(task: TaskView): string | null {
  if (!task.focusId) return null;
  if (task.focusType === 'Encounter') return `/encounters/${encodeURIComponent(task.focusId)}/summary`;
  if (task.focusType === 'Observation' && task.patient) return `/observations/${encodeURIComponent(task.focusId)}/summary?patientId=${encodeURIComponent(task.patient.id)}`;
  return null;
}

/** "in 25 min", "3 h overdue": the SLA timer of a task. */
function dueText(dueAt: string | null, now: number): string {
  if (!dueAt) return '—';
  const minutes = Math.round((new Date(dueAt).getTime() - now) / 60_000);
  const span = (value: number) => (Math.abs(value) >= 120 ? `${Math.round(Math.abs(value) / 60)} h` : `${Math.abs(value)} min`);
  return minutes >= 0 ? `in ${span(minutes)}` : `${span(minutes)} overdue`;
}

/** The work inbox: my tasks and my pools' tasks, with counts, claim, complete, assign and bulk actions. */
export function InboxPage() {
  const session = useSignedInSession();
  const roles = session.staffMember.roles;
  const myPools = taskPools.filter((pool) => roles.includes(pool) || roles.includes('manager'));
  const [params, setParams] = useSearchParams();
  const tab = params.get('view') ?? 'mine';
  const view: InboxView = tab !== 'mine' && (myPools as readonly string[]).includes(tab) ? { kind: 'pool', pool: tab as TaskPool } : { kind: 'mine' };
  const counts = useTaskCounts();
  const live = useLiveTopics(['inbox']);

  const countOf = (key: 'mine' | TaskPool) => {
    const entry = key === 'mine' ? counts.data?.mine : counts.data?.pools.find((pool) => pool.pool === key);
    if (!entry) return null;
    return (
      <Group gap={4} wrap="nowrap">
        <Badge size="sm" variant="light" color="gray">{entry.open}</Badge>
        {entry.overdue > 0 ? <Badge size="sm" color="red" aria-label={`${entry.overdue} overdue`}>{entry.overdue} overdue</Badge> : null}
      </Group>
    );
  };

  return (
    <Stack maw={1300}>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>Inbox</Title>
        <LiveIndicator connection={live} />
      </Group>
      <Tabs value={view.kind === 'mine' ? 'mine' : view.pool} onChange={(value) => setParams(value && value !== 'mine' ? { view: value } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="mine" rightSection={countOf('mine')}>My tasks</Tabs.Tab>
          {myPools.map((pool) => <Tabs.Tab key={pool} value={pool} rightSection={countOf(pool)}>{poolLabels[pool]}</Tabs.Tab>)}
        </Tabs.List>
      </Tabs>
      <TaskList key={view.kind === 'mine' ? 'mine' : view.pool} view={view} />
    </Stack>
  );
}

function TaskList({ view }: { view: InboxView }) {
  const { can } = useSession();
  const session = useSignedInSession();
  const tasks = useTasks(view);
  const work = useWorkTask();
  const bulk = useBulkTasks();
  const staff = useStaffDirectory();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [now, setNow] = useState(Date.now());
  const ticker = useInterval(() => setNow(Date.now()), 30_000);
  useEffect(() => {
    ticker.start();
    return ticker.stop;
  }, [ticker]);
  const rows = useMemo(() => tasks.data?.tasks ?? [], [tasks.data]);
  const chosen = rows.filter((task) => selected.has(task.id));
  const canAssign = can('task.assign');
  const assignTargets: { value: string; label: string }[] = [
    ...taskPools.map((pool) => ({ value: `pool:${pool}`, label: poolLabels[pool] })),
    ...(staff.data ?? []).map((member) => ({ value: `staff:${member.id}`, label: member.displayName })),
  ];
  const toAssign = (value: string): TaskAction => value.startsWith('pool:')
    ? { kind: 'assign', ownerStaffId: null, ownerPool: value.slice(5) as TaskPool }
    : { kind: 'assign', ownerStaffId: value.slice(6), ownerPool: null };

  const fail = (error: Error) => notifications.show({ color: 'red', title: 'Not done', message: error.message });
  const runBulk = (action: Exclude<TaskAction, { kind: 'release' }>) =>
    bulk.mutate({ tasks: chosen, action }, { onSuccess: () => setSelected(new Set()), onError: fail });

  if (tasks.isPending) return <LoadingState label="Loading tasks…" />;
  if (tasks.isError) return <ErrorState error={tasks.error} onRetry={() => void tasks.refetch()} />;
  if (rows.length === 0) return <EmptyState title="Nothing waiting">{view.kind === 'mine' ? 'Tasks assigned to you or claimed by you appear here.' : 'Tasks sent to this pool appear here for anyone in the role to claim.'}</EmptyState>;

  const allChosen = chosen.length === rows.length;
  return (
    <Stack gap="xs">
      <Group gap="xs" aria-label="Bulk actions" role="toolbar">
        <Text size="sm" c="dimmed">{chosen.length} selected</Text>
        <Button size="xs" variant="light" disabled={chosen.length === 0} loading={bulk.isPending} onClick={() => runBulk({ kind: 'claim' })}>Claim selected</Button>
        <Button size="xs" variant="light" color="green" disabled={chosen.length === 0} loading={bulk.isPending} onClick={() => runBulk({ kind: 'complete' })}>Complete selected</Button>
        {canAssign ? (
          <NativeSelect
            size="xs"
            aria-label="Assign selected to"
            disabled={chosen.length === 0}
            value=""
            data={[{ value: '', label: 'Assign selected to…' }, ...assignTargets]}
            onChange={(event) => { if (event.currentTarget.value) runBulk(toAssign(event.currentTarget.value) as Exclude<TaskAction, { kind: 'release' }>); }}
          />
        ) : null}
      </Group>
      <Paper withBorder radius="md" p={0}>
        <Table.ScrollContainer minWidth={900}>
          <Table aria-label="Tasks" verticalSpacing="xs" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={40}>
                  <Checkbox aria-label="Select all tasks" checked={allChosen} indeterminate={chosen.length > 0 && !allChosen} onChange={() => setSelected(allChosen ? new Set() : new Set(rows.map((task) => task.id)))} />
                </Table.Th>
                <Table.Th>Task</Table.Th>
                <Table.Th>Patient</Table.Th>
                <Table.Th>Priority</Table.Th>
                <Table.Th>Due</Table.Th>
                <Table.Th>Owner</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((task) => {
                const isMine = task.claimedBy?.id === session.staffMember.id || task.ownerStaff?.id === session.staffMember.id;
                return (
                  <Table.Tr key={task.id} bg={selected.has(task.id) ? 'teal.0' : undefined}>
                    <Table.Td>
                      <Checkbox aria-label={`Select ${task.title}`} checked={selected.has(task.id)} onChange={() => setSelected((current) => {
                        const next = new Set(current);
                        if (next.has(task.id)) next.delete(task.id);
                        else next.add(task.id);
                        return next;
                      })} />
                    </Table.Td>
                    <Table.Td>
                      {taskFocusPath(task) ? <Text component={Link} to={taskFocusPath(task)!} size="sm" fw={600} c="teal.9" td="underline">{task.title}</Text> : <Text size="sm" fw={600}>{task.title}</Text>}
                      {task.description ? <Text size="xs" c="dimmed" lineClamp={1}>{task.description}</Text> : null}
                    </Table.Td>
                    <Table.Td>{task.patient ? <Text component={Link} to={`/patients/${task.patient.id}`} size="sm" c="teal.9">{task.patient.name ?? 'Patient'}{task.patient.mrn ? ` · ${task.patient.mrn}` : ''}</Text> : '—'}</Table.Td>
                    <Table.Td><Badge size="sm" color={priorityColors[task.priority]} variant={task.priority === 'routine' ? 'light' : 'filled'}>{task.priority}</Badge></Table.Td>
                    <Table.Td><Text size="sm" c={task.isOverdue ? 'red.8' : undefined} fw={task.isOverdue ? 700 : 400}>{dueText(task.dueAt, now)}</Text></Table.Td>
                    <Table.Td><Text size="sm">{task.claimedBy?.name ?? task.ownerStaff?.name ?? (task.ownerPool ? poolLabels[task.ownerPool] : '—')}</Text></Table.Td>
                    <Table.Td><Badge size="sm" variant="light" color={task.status === 'claimed' ? 'blue' : 'gray'}>{task.status}</Badge></Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap" justify="flex-end">
                        {!isMine && task.status === 'open' ? <Button size="xs" variant="light" onClick={() => work.mutate({ task, action: { kind: 'claim' } }, { onError: fail })}>Claim</Button> : null}
                        {task.status === 'claimed' && task.claimedBy?.id === session.staffMember.id ? <Button size="xs" variant="subtle" onClick={() => work.mutate({ task, action: { kind: 'release' } }, { onError: fail })}>Release</Button> : null}
                        {isMine ? <Button size="xs" color="green" variant="light" onClick={() => work.mutate({ task, action: { kind: 'complete' } }, { onError: fail })}>Complete</Button> : null}
                        {canAssign ? (
                          <Menu position="bottom-end" withinPortal>
                            <Menu.Target><Button size="xs" variant="default">Assign</Button></Menu.Target>
                            <Menu.Dropdown mah={320} style={{ overflowY: 'auto' }}>
                              {assignTargets.map((target) => (
                                <Menu.Item key={target.value} onClick={() => work.mutate({ task, action: toAssign(target.value) }, { onError: fail })}>{target.label}</Menu.Item>
                              ))}
                            </Menu.Dropdown>
                          </Menu>
                        ) : null}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
    </Stack>
  );
}
