/** Accounts, for administrators: who can do what in the console. */
import { Alert, Badge, Button, Card, Group, PasswordInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Role } from '../../../shared/contract';
import { call } from '../api';
import { ErrorNote } from '../components/ErrorNote';
import { when } from '../format';
import { usePageTitle } from '../pageTitle';

const ROLE_HELP: Record<Role, string> = {
  viewer: 'search and read records',
  official: 'also record events, open disputes, import, propose adjustments',
  auditor: 'read everything including access logs and the ledger, verify; writes nothing',
  admin: 'users, rulesets, settings',
};

export function UsersPage() {
  usePageTitle('Users');
  const queryClient = useQueryClient();
  const { data, error } = useQuery({ queryKey: ['users'], queryFn: () => call('users', {}) });
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [password, setPassword] = useState('');
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null);
  const create = async (e: React.FormEvent) => {
    e.preventDefault();
    try {
      const u = await call('createUser', { username, displayName, role, password });
      setResult({ ok: true, message: `Account ${u.username} (${u.role}) created.` });
      setUsername('');
      setDisplayName('');
      setPassword('');
      await queryClient.invalidateQueries({ queryKey: ['users'] });
    } catch (err) {
      setResult({ ok: false, message: (err as Error).message });
    }
  };
  return (
    <Stack>
      <Title order={2}>Users</Title>
      <ErrorNote error={error} />
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Account</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>By</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {data?.map((u) => (
            <Table.Tr key={u.username}>
              <Table.Td>{u.username}</Table.Td>
              <Table.Td>{u.displayName}</Table.Td>
              <Table.Td>
                <Badge variant="light">{u.role}</Badge> {u.disabled && <Badge color="gray">disabled</Badge>}
              </Table.Td>
              <Table.Td>{when(u.createdAt)}</Table.Td>
              <Table.Td>{u.createdBy}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Card withBorder maw={560}>
        <form onSubmit={create}>
          <Stack>
            <Title order={4}>New account</Title>
            <Group grow>
              <TextInput label="Username" value={username} onChange={(e) => setUsername(e.currentTarget.value)} required />
              <TextInput label="Full name" value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} />
            </Group>
            <Select label="Role" data={(Object.keys(ROLE_HELP) as Role[]).map((r) => ({ value: r, label: `${r}: ${ROLE_HELP[r]}` }))} value={role} onChange={(v) => v && setRole(v as Role)} allowDeselect={false} />
            <PasswordInput label="Initial password (8 to 128 characters)" value={password} onChange={(e) => setPassword(e.currentTarget.value)} required />
            {result && <Alert color={result.ok ? 'green' : 'red'}>{result.message}</Alert>}
            <Button type="submit">Create account</Button>
            <Text size="xs" c="dimmed">
              Account changes are recorded in the access log under your name.
            </Text>
          </Stack>
        </form>
      </Card>
    </Stack>
  );
}
