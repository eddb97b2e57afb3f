/** The app shell: navigation and hash routes, so every page and record can be linked and reopened. */
import { AppShell, Badge, Group, NavLink, Text, Title } from '@mantine/core';
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

const NAV = [
  { href: '/', label: 'Overview' },
  { href: '/search', label: 'Search' },
  { href: '/rules', label: 'Rules' },
  { href: '/import', label: 'Import' },
  { href: '/operations', label: 'Operations & ledger' },
];

function Navigation() {
  const [location] = useLocation();
  return (
    <>
      {NAV.map((item) => (
        <NavLink
          key={item.href}
          component={Link}
          href={item.href}
          label={item.label}
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
      {data.asOf && <Text size="sm" c="dimmed">scores as of {data.asOf.slice(0, 16).replace('T', ' ')} UTC</Text>}
    </Group>
  );
}

export function App() {
  return (
    <Router hook={useHashLocation}>
      <AppShell header={{ height: 52 }} navbar={{ width: 220, breakpoint: 'sm' }} padding="md">
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between">
            <Title order={3}>Credence</Title>
            <StatusLine />
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="xs">
          <Navigation />
        </AppShell.Navbar>
        <AppShell.Main>
          <Switch>
            <Route path="/">{() => <OverviewPage />}</Route>
            <Route path="/search">{() => <SearchPage />}</Route>
            <Route path="/citizen/:id">{(params) => <CitizenPage citizenId={decodeURIComponent(params.id)} />}</Route>
            <Route path="/rules">{() => <RulesPage />}</Route>
            <Route path="/import">{() => <ImportPage />}</Route>
            <Route path="/operations">{() => <OperationsPage />}</Route>
            <Route path="/operations/:id">{(params) => <OperationsPage operationId={Number(params.id)} />}</Route>
            <Route>
              <Text>This page does not exist.</Text>
            </Route>
          </Switch>
        </AppShell.Main>
      </AppShell>
    </Router>
  );
}
