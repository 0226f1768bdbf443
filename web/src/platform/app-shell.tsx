import { AppShell, Badge, Burger, Button, Group, NavLink, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, Outlet, useLocation } from 'react-router';
import { roleLabels } from '../../../contracts/platform/session.contract.js';
import { InactivityGuard } from './inactivity.js';
import { useSession, useSignedInSession } from './session.js';

interface NavItem {
  label: string;
  to: string;
  action: string;
}

/** Navigation follows what this person may do (the session's allowed actions), nothing more. */
export const navItems: NavItem[] = [
  { label: 'Schedule', to: '/schedule', action: 'schedule.view' },
  { label: 'Find a slot', to: '/schedule/find-slot', action: 'appointment.book' },
  { label: 'Flow board', to: '/flow-board', action: 'flow-board.view' },
  { label: 'Exam rooms', to: '/rooms', action: 'flow-board.view' },
  { label: 'Inbox', to: '/inbox', action: 'task.work' },
  { label: 'Patients', to: '/patients', action: 'patient.search' },
  { label: 'Register patient', to: '/patients/new', action: 'patient.register' },
  { label: 'Audit trail', to: '/audit', action: 'audit.view' },
  { label: 'Disclosures', to: '/disclosures', action: 'disclosure.report' },
  { label: 'Manager alerts', to: '/manager-alerts', action: 'manager-alert.view' },
  { label: 'Reminders outbox', to: '/reminders', action: 'reminders.view-outbox' },
  { label: 'Import records', to: '/import', action: 'fhir.import' },
];

function isActive(pathname: string, to: string): boolean {
  if (to === '/schedule') return pathname === '/schedule';
  if (to === '/patients') return pathname === '/patients' || (pathname.startsWith('/patients/') && pathname !== '/patients/new');
  return pathname === to || pathname.startsWith(`${to}/`);
}

export function AppLayout() {
  const session = useSignedInSession();
  const { signOut, can } = useSession();
  const [navOpened, { toggle, close }] = useDisclosure(false);
  const { pathname } = useLocation();
  const member = session.staffMember;
  const items = navItems.filter((item) => can(item.action));

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 220, breakpoint: 'md', collapsed: { mobile: !navOpened } }} padding="md">
      <AppShell.Header className="no-print">
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={navOpened} onClick={toggle} hiddenFrom="md" size="sm" aria-label="Open navigation" />
            <Title order={1} size="h4" c="teal.8">Medassist</Title>
            <Text c="dimmed" visibleFrom="sm" data-testid="clinic-name">{member.organizationName}</Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Stack gap={0} align="flex-end">
              <Text fw={600} size="sm" data-testid="signed-in-name">
                {member.displayName}{member.credentials ? `, ${member.credentials}` : ''}
              </Text>
              <Group gap={4}>
                {member.roles.map((role) => (
                  <Badge key={role} size="xs" variant="light" color="gray">{roleLabels[role]}</Badge>
                ))}
              </Group>
            </Stack>
            <Button variant="default" size="xs" onClick={() => void signOut(null)}>Sign out</Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" className="no-print" aria-label="Main">
        <nav aria-label="Main navigation">
          {items.map((item) => (
            <NavLink
              key={item.to}
              component={Link}
              to={item.to}
              label={item.label}
              active={isActive(pathname, item.to)}
              onClick={close}
            />
          ))}
          {items.length === 0 ? <Text size="sm" c="dimmed" p="sm">No work areas are open to your role yet.</Text> : null}
        </nav>
      </AppShell.Navbar>
      <AppShell.Main className="app-main">
        <Outlet />
      </AppShell.Main>
      <InactivityGuard />
    </AppShell>
  );
}
