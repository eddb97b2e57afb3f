/** The app shell: navigation and hash routes, so every page and record can be linked and reopened. */
import { AppShell, Badge, Button, Group, NavLink, Text, Title } from '@mantine/core';
import type { Role } from '../../shared/contract';
import { AuthGate } from './components/AuthGate';
import { ApprovalsPage } from './pages/ApprovalsPage';
import { AccessLogPage } from './pages/AccessLogPage';
import { LedgerPage } from './pages/LedgerPage';
import { BackupPage } from './pages/BackupPage';
import { UsersPage } from './pages/UsersPage';
import { useQuery } from '@tanstack/react-query';
import { Link, Route, Router, Switch, useLocation } from 'wouter';
import { useHashLocation } from 'wouter/use-hash-location';
import { call } from './api';
import { CitizenPage } from './pages/CitizenPage';
import { ImportPage } from './pages/ImportPage';
import { OperationsPage } from './pages/OperationsPage';
import { OverviewPage } from './pages/OverviewPage';
import { RulesPage } from './pages/RulesPage';
import { SearchPage } from './pages/SearchPage';
import { DisputesPage, useDisputeCounts } from './pages/DisputesPage';

const NAV: { href: string; label: string; roles?: Role[] }[] = [
  { href: '/', label: 'Overview' },
  { href: '/search', label: 'Search' },
  { href: '/rules', label: 'Rules' },
  { href: '/approvals', label: 'Approvals', roles: ['official', 'auditor', 'admin'] },
  { href: '/disputes', label: 'Disputes', roles: ['official', 'auditor', 'admin'] },
  { href: '/import', label: 'Import', roles: ['official', 'admin'] },
  { href: '/operations', label: 'Operations & ledger' },
  { href: '/access', label: 'Access log', roles: ['auditor', 'admin'] },
  { href: '/ledger', label: 'Ledger verification', roles: ['auditor', 'admin'] },
  { href: '/users', label: 'Users', roles: ['admin'] },
  { href: '/backups', label: 'Backups', roles: ['admin'] },
];

/** Proposals waiting for a second person; polled, since they come from other users. */
function PendingBadge() {
  const { data } = useQuery({ queryKey: ['proposals', 'pending'], queryFn: () => call('proposals', { status: 'pending' }), refetchInterval: 30_000 });
  if (!data?.length) return null;
  return (
    <Badge size="sm" color="yellow" variant="filled" circle title={`${data.length} proposal${data.length === 1 ? '' : 's'} waiting for a decision`} data-testid="nav-approvals-count">
      {data.length}
    </Badge>
  );
}

/** Disputes awaiting a decision; red when one is overdue. */
function DisputesBadge() {
  const { data } = useDisputeCounts();
  if (!data?.active) return null;
  return (
    <Badge size="sm" color={data.overdue ? 'red' : 'orange'} variant="filled" circle title={`${data.active} awaiting a decision${data.overdue ? `, ${data.overdue} overdue` : ''}`} data-testid="nav-disputes-count">
      {data.active}
    </Badge>
  );
}

function Navigation({ role }: { role: Role }) {
  const [location] = useLocation();
  return (
    <>
      {NAV.filter((item) => !item.roles || item.roles.includes(role)).map((item) => (
        <NavLink
          key={item.href}
          component={Link}
          href={item.href}
          label={item.label}
          rightSection={item.href === '/approvals' ? <PendingBadge /> : item.href === '/disputes' ? <DisputesBadge /> : undefined}
          data-testid={`nav-${item.href.slice(1) || 'overview'}`}
          active={item.href === '/' ? location === '/' : location.startsWith(item.href) || (item.href === '/search' && location.startsWith('/citizen'))}
        />
      ))}
    </>
  );
}

function StatusLine() {
  const { data } = useQuery({ queryKey: ['overview'], queryFn: () => call('overview', {}) });
  if (!data) return null;
  return (
    <Group gap="xs">
      <Badge variant="light">{data.rulesetVersion ? `ruleset v${data.rulesetVersion}` : 'no ruleset'}</Badge>
      {data.asOf && (
        <Text size="sm" c="dimmed" title="The instant the scores are computed for: events after it do not count yet. It is not when the scores were last recomputed." data-testid="scoring-date">
          scoring date {data.asOf.slice(0, 16).replace('T', ' ')} UTC
        </Text>
      )}
    </Group>
  );
}

export function App() {
  return (
    <AuthGate>
      {(user, logout) => (
    <Router hook={useHashLocation}>
      <AppShell header={{ height: 52 }} navbar={{ width: 220, breakpoint: 'sm' }} padding="md">
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between">
            <Title order={3}>Credence</Title>
            <Group>
              <StatusLine />
              <Text size="sm" data-testid="current-user">
                {user.displayName} · {user.role}
              </Text>
              <Button size="xs" variant="default" onClick={logout} data-testid="logout">
                Log out
              </Button>
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="xs">
          <Navigation role={user.role} />
        </AppShell.Navbar>
        <AppShell.Main>
          <Switch>
            <Route path="/">{() => <OverviewPage />}</Route>
            <Route path="/search">{() => <SearchPage />}</Route>
            <Route path="/citizen/:id">{(params) => <CitizenPage citizenId={decodeURIComponent(params.id)} />}</Route>
            <Route path="/rules">{() => <RulesPage />}</Route>
            <Route path="/approvals">{() => <ApprovalsPage />}</Route>
            <Route path="/disputes">{() => <DisputesPage />}</Route>
            <Route path="/import">{() => <ImportPage />}</Route>
            <Route path="/operations">{() => <OperationsPage />}</Route>
            <Route path="/operations/:id">{(params) => <OperationsPage operationId={Number(params.id)} />}</Route>
            <Route path="/access">{() => <AccessLogPage />}</Route>
            <Route path="/ledger">{() => <LedgerPage />}</Route>
            <Route path="/users">{() => <UsersPage />}</Route>
            <Route path="/backups">{() => <BackupPage />}</Route>
            <Route>
              <Text>This page does not exist.</Text>
            </Route>
          </Switch>
        </AppShell.Main>
      </AppShell>
    </Router>
      )}
    </AuthGate>
  );
}
