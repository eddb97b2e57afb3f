/**
 * Accounts, for administrators. Granting a role (a new account, a role
 * change, re-enabling) is proposed here and approved by another
 * administrator on this page; disabling and password resets act at once,
 * each with a written reason. Live sessions can be ended.
 */
import { errorText } from '../i18n/errorText';
import { Alert, Badge, Button, Card, Code, Group, PasswordInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { Role } from '../../../shared/contract';
import { call } from '../api';
import { useCurrentUser } from '../components/AuthGate';
import { ErrorNote } from '../components/ErrorNote';
import { ReasonField, hasReason } from '../components/ReasonField';
import { AccountActions, CliTokenCard, PendingChanges, SessionsCard } from '../components/users/AccountAdmin';
import { when } from '../format';
import { usePageTitle } from '../pageTitle';

const ROLES: Role[] = ['viewer', 'official', 'auditor', 'admin'];

/** Who created an account: a user's name as it is; the first administrator's creation, recorded as 'first start' by the console or the command line, in the reader's language. */
function createdByText(createdBy: string, t: (key: string) => string): string {
  if (createdBy === 'first start') return t('firstStart.console');
  if (createdBy === 'first start (command line)') return t('firstStart.commandLine');
  return createdBy;
}

export function UsersPage() {
  const { t } = useTranslation('users');
  usePageTitle(t('title'));
  const roleLine = (r: Role) => t('roleOption', { role: t(`common:roles.${r}`), help: t(`roleHelp.${r}`) });
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const { data, error } = useQuery({ queryKey: ['users'], queryFn: () => call('users', {}) });
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [password, setPassword] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  // A second click while the first is on its way does nothing (state updates are not synchronous; a ref is).
  const inFlight = useRef(false);
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null);
  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: ['users'] }), queryClient.invalidateQueries({ queryKey: ['accountChanges'] })]);
  const create = async (e: React.FormEvent) => {
    e.preventDefault();
    if (inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    setResult(null);
    try {
      const c = await call('createUser', { username, displayName, role, password, reason });
      setResult({ ok: true, message: t('created', { username: c.username, role: t(`common:roles.${c.role}`), changeId: c.changeId }) });
      setUsername('');
      setDisplayName('');
      setPassword('');
      setReason('');
      await refresh();
    } catch (err) {
      setResult({ ok: false, message: errorText(err) });
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };
  return (
    <Stack>
      <Title order={2}>{t('title')}</Title>
      <ErrorNote error={error} />
      <PendingChanges me={me?.username ?? ''} />
      <Table striped data-testid="users-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('account')}</Table.Th>
            <Table.Th>{t('name')}</Table.Th>
            <Table.Th>{t('role')}</Table.Th>
            <Table.Th>{t('created_at')}</Table.Th>
            <Table.Th>{t('by')}</Table.Th>
            <Table.Th>{t('actions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {data?.map((u) => (
            <Table.Tr key={u.username} data-testid={`user-${u.username}`}>
              <Table.Td>{u.username}</Table.Td>
              <Table.Td>{u.displayName}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  <Badge variant="light">{t(`common:roles.${u.role}`)}</Badge>
                  {u.disabled && <Badge color="gray">{t('disabled')}</Badge>}
                  {u.mustChangePassword && <Badge color="yellow">{t('passwordToChange')}</Badge>}
                </Group>
              </Table.Td>
              <Table.Td>{when(u.createdAt)}</Table.Td>
              <Table.Td>{createdByText(u.createdBy, t)}</Table.Td>
              <Table.Td>
                <AccountActions user={u} self={u.username.toLowerCase() === me?.username.toLowerCase()} onDone={refresh} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group align="flex-start" grow>
        <Card withBorder maw={560}>
          <form onSubmit={create}>
            <Stack>
              <Title order={4}>{t('newAccount')}</Title>
              <Group grow>
                <TextInput label={t('username')} value={username} onChange={(e) => setUsername(e.currentTarget.value)} required data-testid="new-username" />
                <TextInput label={t('fullName')} value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} />
              </Group>
              <Select label={t('role')} data={ROLES.map((r) => ({ value: r, label: roleLine(r) }))} value={role} onChange={(v) => v && setRole(v as Role)} allowDeselect={false} />
              <PasswordInput label={t('initialPassword')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} required data-testid="new-password" />
              <ReasonField label={t('whyNeeded')} value={reason} onChange={setReason} min={5} data-testid="new-reason" />
              {result && (
                <Alert color={result.ok ? 'green' : 'red'} data-testid="create-result">
                  {result.message}
                </Alert>
              )}
              <Button type="submit" loading={busy} disabled={busy || !hasReason(reason, 5)} data-testid="create-account">
                {t('propose')}
              </Button>
              <Text size="xs" c="dimmed">
                {t('proposeNote')}
              </Text>
            </Stack>
          </form>
        </Card>
        <Stack>
          <SessionsCard />
          <CliTokenCard />
        </Stack>
      </Group>
      <Text size="xs" c="dimmed">
        <Trans i18nKey="users:rolesFooter" values={{ list: ROLES.map(roleLine).join(t('listSeparator')) }} components={{ code: <Code /> }} />
      </Text>
    </Stack>
  );
}
