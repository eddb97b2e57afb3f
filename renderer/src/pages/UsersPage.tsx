/**
 * Accounts, for administrators. Granting a role (a new account, a role
 * change, re-enabling) is proposed here and approved by another
 * administrator on this page; disabling and password resets act at once,
 * each with a written reason. Live sessions can be ended.
 */
import { Alert, Badge, Button, Card, Code, Group, PasswordInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { Role } from '../../../shared/contract';
import { call } from '../api';
import { useCurrentUser } from '../components/AuthGate';
import { ErrorNote } from '../components/ErrorNote';
import { ReasonField, hasReason } from '../components/ReasonField';
import { AccountActions, CliTokenCard, PendingChanges, SessionsCard } from '../components/users/AccountAdmin';
import { when } from '../format';
import { usePageTitle } from '../pageTitle';

export const ROLE_HELP: Record<Role, string> = {
  viewer: 'search and read records',
  official: 'also record events, open disputes, import, propose adjustments',
  auditor: 'read everything including access logs and the ledger, verify; writes nothing',
  admin: 'users, rulesets, settings',
};

export function UsersPage() {
  usePageTitle('Users');
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
      setResult({ ok: true, message: `Account ${c.username} (${c.role}) proposed (change ${c.changeId}): another administrator approves it below. The user changes the initial password at first login.` });
      setUsername('');
      setDisplayName('');
      setPassword('');
      setReason('');
      await refresh();
    } catch (err) {
      setResult({ ok: false, message: (err as Error).message });
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };
  return (
    <Stack>
      <Title order={2}>Users</Title>
      <ErrorNote error={error} />
      <PendingChanges me={me?.username ?? ''} />
      <Table striped data-testid="users-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Account</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>By</Table.Th>
            <Table.Th>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {data?.map((u) => (
            <Table.Tr key={u.username} data-testid={`user-${u.username}`}>
              <Table.Td>{u.username}</Table.Td>
              <Table.Td>{u.displayName}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  <Badge variant="light">{u.role}</Badge>
                  {u.disabled && <Badge color="gray">disabled</Badge>}
                  {u.mustChangePassword && <Badge color="yellow">password to change</Badge>}
                </Group>
              </Table.Td>
              <Table.Td>{when(u.createdAt)}</Table.Td>
              <Table.Td>{u.createdBy}</Table.Td>
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
              <Title order={4}>New account</Title>
              <Group grow>
                <TextInput label="Username" value={username} onChange={(e) => setUsername(e.currentTarget.value)} required data-testid="new-username" />
                <TextInput label="Full name" value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} />
              </Group>
              <Select label="Role" data={(Object.keys(ROLE_HELP) as Role[]).map((r) => ({ value: r, label: `${r}: ${ROLE_HELP[r]}` }))} value={role} onChange={(v) => v && setRole(v as Role)} allowDeselect={false} />
              <PasswordInput label="Initial password (8 to 128 characters; changed at first login)" value={password} onChange={(e) => setPassword(e.currentTarget.value)} required data-testid="new-password" />
              <ReasonField label="Why this account is needed" value={reason} onChange={setReason} min={5} data-testid="new-reason" />
              {result && (
                <Alert color={result.ok ? 'green' : 'red'} data-testid="create-result">
                  {result.message}
                </Alert>
              )}
              <Button type="submit" loading={busy} disabled={busy || !hasReason(reason, 5)} data-testid="create-account">
                Propose account
              </Button>
              <Text size="xs" c="dimmed">
                A new account takes effect when another administrator approves it: one not set up by you. Account changes are recorded under your name.
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
        Roles: {(Object.keys(ROLE_HELP) as Role[]).map((r) => `${r}: ${ROLE_HELP[r]}`).join('; ')}. <Code>credence users add</Code> does the same on the command line.
      </Text>
    </Stack>
  );
}
