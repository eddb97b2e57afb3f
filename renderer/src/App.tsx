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
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from './components/LanguageSwitch';
import { Link, Route, Router, Switch, useLocation } from 'wouter';
import { useHashLocation } from 'wouter/use-hash-location';
import { call } from './api';
import { when } from './format';
import { CitizenPage } from './pages/CitizenPage';
import { ImportPage } from './pages/ImportPage';
import { OperationsPage } from './pages/OperationsPage';
import { OverviewPage } from './pages/OverviewPage';
import { RulesPage } from './pages/RulesPage';
import { SearchPage } from './pages/SearchPage';
import { DisputesPage, useDisputeCounts } from './pages/DisputesPage';

/** Each entry's label is common:nav.<key>. */
const NAV: { href: string; key: string; roles?: Role[] }[] = [
  { href: '/', key: 'overview' },
  { href: '/search', key: 'search' },
  { href: '/rules', key: 'rules' },
  { href: '/approvals', key: 'approvals', roles: ['official', 'auditor', 'admin'] },
  { href: '/disputes', key: 'disputes', roles: ['official', 'auditor', 'admin'] },
  { href: '/import', key: 'import', roles: ['official', 'admin'] },
  { href: '/operations', key: 'operations' },
  { href: '/access', key: 'access', roles: ['auditor', 'admin'] },
  { href: '/ledger', key: 'ledger', roles: ['auditor', 'admin'] },
  { href: '/users', key: 'users', roles: ['admin'] },
  { href: '/backups', key: 'backups', roles: ['admin'] },
];

/** Proposals waiting for a second person; polled, since they come from other users. */
function PendingBadge() {
  const { t } = useTranslation('common');
  const { data } = useQuery({ queryKey: ['proposals', 'pending'], queryFn: () => call('proposals', { status: 'pending' }), refetchInterval: 30_000 });
  if (!data?.length) return null;
  return (
    <Badge size="sm" color="yellow" variant="filled" circle title={t('header.pendingProposals', { count: data.length })} aria-label={t('header.pendingProposals', { count: data.length })} data-testid="nav-approvals-count">
      {data.length}
    </Badge>
  );
}

/** Disputes awaiting a decision; red when one is overdue. */
function DisputesBadge() {
  const { t } = useTranslation('common');
  const { data } = useDisputeCounts();
  if (!data?.active) return null;
  const label = data.overdue ? t('header.disputesAwaitingOverdue', { count: data.active, overdue: data.overdue }) : t('header.disputesAwaiting', { count: data.active });
  return (
    <Badge size="sm" color={data.overdue ? 'red' : 'orange'} variant="filled" circle title={label} aria-label={label} data-testid="nav-disputes-count">
      {data.active}
    </Badge>
  );
}

function Navigation({ role }: { role: Role }) {
  const [location] = useLocation();
  const { t } = useTranslation('common');
  return (
    <nav aria-label={t('nav.label')}>
      {NAV.filter((item) => !item.roles || item.roles.includes(role)).map((item) => (
        <NavLink
          key={item.href}
          component={Link}
          href={item.href}
          label={t(`nav.${item.key}`)}
          rightSection={item.href === '/approvals' ? <PendingBadge /> : item.href === '/disputes' ? <DisputesBadge /> : undefined}
          data-testid={`nav-${item.href.slice(1) || 'overview'}`}
          active={item.href === '/' ? location === '/' : location.startsWith(item.href) || (item.href === '/search' && location.startsWith('/citizen'))}
        />
      ))}
    </nav>
  );
}

function StatusLine() {
  const { t } = useTranslation('common');
  const { data } = useQuery({ queryKey: ['overview'], queryFn: () => call('overview', {}) });
  if (!data) return null;
  return (
    <Group gap="xs">
      <Badge variant="light">{data.rulesetVersion ? t('header.rulesetVersion', { version: data.rulesetVersion }) : t('header.noRuleset')}</Badge>
      {data.asOf && (
        <Text size="sm" c="dimmed" title={t('header.scoringDateHelp')} data-testid="scoring-date">
          {t('header.scoringDate', { instant: when(data.asOf) })}
        </Text>
      )}
      <Text size="xs" c="dimmed" data-testid="time-zone-note">
        {t('header.timesInUtc')}
      </Text>
    </Group>
  );
}

export function App() {
  const { t } = useTranslation('common');
  return (
    <AuthGate>
      {(user, logout) => (
    <Router hook={useHashLocation}>
      <AppShell header={{ height: 52 }} navbar={{ width: 220, breakpoint: 'sm' }} padding="md">
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between">
            <Title order={1} size="h3">
              {t('appName')}
            </Title>
            <Group>
              <StatusLine />
              <LanguageSwitch saveToAccount />
              <Text size="sm" data-testid="current-user">
                {user.displayName} · {t(`roles.${user.role}`)}
              </Text>
              <Button size="xs" variant="default" onClick={logout} data-testid="logout">
                {t('header.logout')}
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
              <Text>{t('notFound')}</Text>
            </Route>
          </Switch>
        </AppShell.Main>
      </AppShell>
    </Router>
      )}
    </AuthGate>
  );
}
