/** The account operations of the Users page: per-account actions, pending changes, sessions, command-line tokens. */
import { Alert, Badge, Button, Card, Code, CopyButton, Group, Menu, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Role } from '../../../../shared/contract';
import { call } from '../../api';
import { when } from '../../format';
import { ErrorNote } from '../ErrorNote';
import { ReasonModal } from '../citizen/ReasonModal';

interface Account {
  username: string;
  role: Role;
  disabled: boolean;
}

type Dialog = { kind: 'disable' | 'enable' | 'reset' } | { kind: 'role'; role: Role } | null;

export function AccountActions({ user, self, onDone }: { user: Account; self: boolean; onDone: () => Promise<unknown> }) {
  const [dialog, setDialog] = useState<Dialog>(null);
  const [newRole, setNewRole] = useState<Role | null>(null);
  const [temporary, setTemporary] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const close = () => setDialog(null);
  return (
    <>
      <Menu withinPortal>
        <Menu.Target>
          <Button size="xs" variant="light" data-testid={`actions-${user.username}`}>
            Actions
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {user.disabled ? (
            <Menu.Item onClick={() => setDialog({ kind: 'enable' })} data-testid={`enable-${user.username}`}>
              Re-enable (another administrator approves)
            </Menu.Item>
          ) : (
            <Menu.Item color="red" onClick={() => setDialog({ kind: 'disable' })} data-testid={`disable-${user.username}`}>
              Disable now
            </Menu.Item>
          )}
          {!self && (
            <Menu.Item onClick={() => setDialog({ kind: 'reset' })} data-testid={`reset-${user.username}`}>
              Reset password
            </Menu.Item>
          )}
          <Menu.Item onClick={() => setDialog({ kind: 'role', role: user.role })} data-testid={`role-${user.username}`}>
            Change role (another administrator approves)
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      {notice && (
        <Text size="xs" c="dimmed" data-testid={`notice-${user.username}`}>
          {notice}
        </Text>
      )}
      {temporary && (
        <Alert color="yellow" withCloseButton onClose={() => setTemporary(null)} mt="xs" data-testid="temporary-password">
          Temporary password for {user.username} (shown once; they change it at the next login): <Code>{temporary}</Code>
        </Alert>
      )}
      {dialog?.kind === 'disable' && (
        <ReasonModal title={`Disable ${user.username}`} confirmLabel="Disable now" confirmColor="red" testId="disable" onClose={close} onConfirm={async (reason) => {
          const r = await call('disableUser', { username: user.username, reason });
          setNotice(`disabled; ${r.sessionsEnded} session(s) ended`);
          await onDone();
        }}>
          <Text size="sm">The account stops working at once: its open sessions end on their next call. Re-enabling it needs two administrators.</Text>
        </ReasonModal>
      )}
      {dialog?.kind === 'enable' && (
        <ReasonModal title={`Re-enable ${user.username}`} confirmLabel="Propose" testId="enable" onClose={close} onConfirm={async (reason) => {
          const r = await call('enableUser', { username: user.username, reason });
          setNotice(`re-enabling proposed (change ${r.changeId})`);
          await onDone();
        }}>
          <Text size="sm">Another administrator approves it in the list of pending changes.</Text>
        </ReasonModal>
      )}
      {dialog?.kind === 'reset' && (
        <ReasonModal title={`Reset the password of ${user.username}`} confirmLabel="Reset" confirmColor="orange" testId="reset" onClose={close} onConfirm={async (reason) => {
          const r = await call('resetPassword', { username: user.username, reason });
          setTemporary(r.temporaryPassword);
          await onDone();
        }}>
          <Text size="sm">A temporary password is generated and shown once; the user must change it at the next login. Their sessions end now. An account whose password you reset can never approve your proposals.</Text>
        </ReasonModal>
      )}
      {dialog?.kind === 'role' && (
        <ReasonModal title={`Change the role of ${user.username}`} confirmLabel="Propose" testId="role" onClose={close} onConfirm={async (reason) => {
          if (!newRole || newRole === user.role) throw new Error('choose a role other than the current one');
          const r = await call('changeRole', { username: user.username, role: newRole, reason });
          setNotice(`role ${newRole} proposed (change ${r.changeId})`);
          await onDone();
        }}>
          <Select label="New role" data={['viewer', 'official', 'auditor', 'admin'].filter((r) => r !== user.role)} value={newRole} onChange={(v) => setNewRole(v as Role | null)} data-testid="role-select" />
          <Text size="sm">Another administrator approves it; the user's sessions end when it takes effect. Nobody raises their own role, and the last administrator keeps the role.</Text>
        </ReasonModal>
      )}
    </>
  );
}

export function PendingChanges({ me }: { me: string }) {
  const queryClient = useQueryClient();
  const { data, error } = useQuery({ queryKey: ['accountChanges'], queryFn: () => call('accountChanges', { status: 'pending' }) });
  const [deciding, setDeciding] = useState<{ id: number; approve: boolean } | null>(null);
  if (!data?.length && !error) return null;
  return (
    <Card withBorder data-testid="pending-changes">
      <Title order={4}>Awaiting a second administrator</Title>
      <ErrorNote error={error} />
      <Table>
        <Table.Tbody>
          {data?.map((c) => (
            <Table.Tr key={c.id} data-testid={`change-${c.id}`}>
              <Table.Td>
                {c.kind === 'create' ? 'new account' : c.kind === 'role' ? 'role change' : 're-enable'} <b>{c.username}</b> as <Badge variant="light">{c.role}</Badge>
              </Table.Td>
              <Table.Td>
                proposed by {c.proposedBy}, {when(c.proposedAt)}: {c.reason}
              </Table.Td>
              <Table.Td>
                <Group gap="xs" justify="flex-end">
                  {c.proposedBy.toLowerCase() !== me.toLowerCase() && (
                    <Button size="xs" onClick={() => setDeciding({ id: c.id, approve: true })} data-testid={`approve-change-${c.id}`}>
                      Approve
                    </Button>
                  )}
                  <Button size="xs" variant="default" onClick={() => setDeciding({ id: c.id, approve: false })} data-testid={`reject-change-${c.id}`}>
                    {c.proposedBy.toLowerCase() === me.toLowerCase() ? 'Withdraw' : 'Reject'}
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {deciding && (
        <ReasonModal
          title={`${deciding.approve ? 'Approve' : 'Reject'} account change ${deciding.id}`}
          confirmLabel={deciding.approve ? 'Approve' : 'Reject'}
          testId="decide-change"
          onClose={() => setDeciding(null)}
          onConfirm={async (reason) => {
            await call('decideAccountChange', { changeId: deciding.id, approve: deciding.approve, reason });
            await Promise.all([queryClient.invalidateQueries({ queryKey: ['accountChanges'] }), queryClient.invalidateQueries({ queryKey: ['users'] })]);
          }}
        >
          <Text size="sm">You approve as a second, independent person: not for an account you set up, nor for one that set you up.</Text>
        </ReasonModal>
      )}
    </Card>
  );
}

export function SessionsCard() {
  const queryClient = useQueryClient();
  const { data, error } = useQuery({ queryKey: ['sessions'], queryFn: () => call('sessions', {}) });
  const [ending, setEnding] = useState<string | null>(null);
  return (
    <Card withBorder data-testid="sessions">
      <Title order={4}>Live sessions</Title>
      <ErrorNote error={error} />
      <Table>
        <Table.Tbody>
          {data?.map((s) => (
            <Table.Tr key={s.id}>
              <Table.Td>
                {s.username} <Badge variant="light">{s.role}</Badge> {s.current && <Badge color="blue">you</Badge>} {s.locked && <Badge color="gray">locked</Badge>}
              </Table.Td>
              <Table.Td>since {when(s.startedAt)}, last {when(s.lastActive)}</Table.Td>
              <Table.Td>
                {!s.current && (
                  <Button size="xs" variant="light" color="red" onClick={() => setEnding(s.id)} data-testid={`end-session-${s.username}`}>
                    End
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {ending && (
        <ReasonModal title="End this session" confirmLabel="End session" confirmColor="red" testId="end-session" onClose={() => setEnding(null)} onConfirm={async (reason) => {
          await call('revokeSession', { sessionId: ending, reason });
          await queryClient.invalidateQueries({ queryKey: ['sessions'] });
        }}>
          <Text size="sm">The user is logged out on their next call.</Text>
        </ReasonModal>
      )}
    </Card>
  );
}

export function CliTokenCard() {
  const [token, setToken] = useState<{ token: string; expiresAt: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Title order={4}>Command-line token</Title>
        <Text size="sm" c="dimmed">
          One command on the command line as you, within 10 minutes: <Code>credence ... --token TOKEN</Code>.
        </Text>
        <ErrorNote error={error} />
        {token && (
          <Group gap="xs">
            <Code data-testid="cli-token">{token.token}</Code>
            <CopyButton value={token.token}>{({ copied, copy }) => <Button size="xs" variant="light" onClick={copy}>{copied ? 'Copied' : 'Copy'}</Button>}</CopyButton>
            <Text size="xs">valid until {when(token.expiresAt)}</Text>
          </Group>
        )}
        <Button variant="light" onClick={() => call('issueCliToken', {}).then(setToken, setError)} data-testid="issue-cli-token">
          Take a token
        </Button>
      </Stack>
    </Card>
  );
}
