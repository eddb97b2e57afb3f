/** The account operations of the Users page: per-account actions, pending changes, sessions, command-line tokens. */
import { Alert, Badge, Button, Card, Code, CopyButton, Group, Menu, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
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
  const { t } = useTranslation('users');
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
            {t('actions')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {user.disabled ? (
            <Menu.Item onClick={() => setDialog({ kind: 'enable' })} data-testid={`enable-${user.username}`}>
              {t('menu.reEnable')}
            </Menu.Item>
          ) : (
            <Menu.Item color="red" onClick={() => setDialog({ kind: 'disable' })} data-testid={`disable-${user.username}`}>
              {t('menu.disable')}
            </Menu.Item>
          )}
          {!self && (
            <Menu.Item onClick={() => setDialog({ kind: 'reset' })} data-testid={`reset-${user.username}`}>
              {t('menu.reset')}
            </Menu.Item>
          )}
          <Menu.Item onClick={() => setDialog({ kind: 'role', role: user.role })} data-testid={`role-${user.username}`}>
            {t('menu.changeRole')}
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
          <Trans i18nKey="users:temporary" values={{ username: user.username, password: temporary }} components={{ code: <Code /> }} />
        </Alert>
      )}
      {dialog?.kind === 'disable' && (
        <ReasonModal title={t('disable.title', { username: user.username })} confirmLabel={t('disable.confirm')} confirmColor="red" testId="disable" onClose={close} onConfirm={async (reason) => {
          const r = await call('disableUser', { username: user.username, reason });
          setNotice(t('disable.done', { count: r.sessionsEnded }));
          await onDone();
        }}>
          <Text size="sm">{t('disable.body')}</Text>
        </ReasonModal>
      )}
      {dialog?.kind === 'enable' && (
        <ReasonModal title={t('enable.title', { username: user.username })} confirmLabel={t('enable.confirm')} testId="enable" onClose={close} onConfirm={async (reason) => {
          const r = await call('enableUser', { username: user.username, reason });
          setNotice(t('enable.done', { changeId: r.changeId }));
          await onDone();
        }}>
          <Text size="sm">{t('enable.body')}</Text>
        </ReasonModal>
      )}
      {dialog?.kind === 'reset' && (
        <ReasonModal title={t('reset.title', { username: user.username })} confirmLabel={t('reset.confirm')} confirmColor="orange" testId="reset" onClose={close} onConfirm={async (reason) => {
          const r = await call('resetPassword', { username: user.username, reason });
          setTemporary(r.temporaryPassword);
          await onDone();
        }}>
          <Text size="sm">{t('reset.body')}</Text>
        </ReasonModal>
      )}
      {dialog?.kind === 'role' && (
        <ReasonModal title={t('roleChange.title', { username: user.username })} confirmLabel={t('roleChange.confirm')} testId="role" onClose={close} onConfirm={async (reason) => {
          if (!newRole || newRole === user.role) throw new Error(t('roleChange.sameRole'));
          const r = await call('changeRole', { username: user.username, role: newRole, reason });
          setNotice(t('roleChange.done', { role: t(`common:roles.${newRole}`), changeId: r.changeId }));
          await onDone();
        }}>
          <Select label={t('roleChange.newRole')} data={(['viewer', 'official', 'auditor', 'admin'] as const).filter((r) => r !== user.role).map((r) => ({ value: r, label: t(`common:roles.${r}`) }))} value={newRole} onChange={(v) => setNewRole(v as Role | null)} data-testid="role-select" />
          <Text size="sm">{t('roleChange.body')}</Text>
        </ReasonModal>
      )}
    </>
  );
}

export function PendingChanges({ me }: { me: string }) {
  const { t } = useTranslation('users');
  const queryClient = useQueryClient();
  const { data, error } = useQuery({ queryKey: ['accountChanges'], queryFn: () => call('accountChanges', { status: 'pending' }) });
  const [deciding, setDeciding] = useState<{ id: number; approve: boolean } | null>(null);
  if (!data?.length && !error) return null;
  return (
    <Card withBorder data-testid="pending-changes">
      <Title order={4}>{t('pending.title')}</Title>
      <ErrorNote error={error} />
      <Table>
        <Table.Tbody>
          {data?.map((c) => (
            <Table.Tr key={c.id} data-testid={`change-${c.id}`}>
              <Table.Td>
                <Trans
                  i18nKey={c.kind === 'create' ? 'users:pending.create' : c.kind === 'role' ? 'users:pending.role' : 'users:pending.enable'}
                  values={{ username: c.username, role: t(`common:roles.${c.role}`) }}
                  components={{ b: <b />, role: <Badge variant="light" /> }}
                />
              </Table.Td>
              <Table.Td>
                {t('pending.proposed', { by: c.proposedBy, when: when(c.proposedAt), reason: c.reason })}
              </Table.Td>
              <Table.Td>
                <Group gap="xs" justify="flex-end">
                  {c.proposedBy.toLowerCase() !== me.toLowerCase() && (
                    <Button size="xs" onClick={() => setDeciding({ id: c.id, approve: true })} data-testid={`approve-change-${c.id}`}>
                      {t('pending.approve')}
                    </Button>
                  )}
                  <Button size="xs" variant="default" onClick={() => setDeciding({ id: c.id, approve: false })} data-testid={`reject-change-${c.id}`}>
                    {c.proposedBy.toLowerCase() === me.toLowerCase() ? t('pending.withdraw') : t('pending.reject')}
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {deciding && (
        <ReasonModal
          title={deciding.approve ? t('pending.approveTitle', { id: deciding.id }) : t('pending.rejectTitle', { id: deciding.id })}
          confirmLabel={deciding.approve ? t('pending.approve') : t('pending.reject')}
          testId="decide-change"
          onClose={() => setDeciding(null)}
          onConfirm={async (reason) => {
            await call('decideAccountChange', { changeId: deciding.id, approve: deciding.approve, reason });
            await Promise.all([queryClient.invalidateQueries({ queryKey: ['accountChanges'] }), queryClient.invalidateQueries({ queryKey: ['users'] })]);
          }}
        >
          <Text size="sm">{t('pending.body')}</Text>
        </ReasonModal>
      )}
    </Card>
  );
}

export function SessionsCard() {
  const { t } = useTranslation('users');
  const queryClient = useQueryClient();
  const { data, error } = useQuery({ queryKey: ['sessions'], queryFn: () => call('sessions', {}) });
  const [ending, setEnding] = useState<string | null>(null);
  return (
    <Card withBorder data-testid="sessions">
      <Title order={4}>{t('sessions.title')}</Title>
      <ErrorNote error={error} />
      <Table>
        <Table.Tbody>
          {data?.map((s) => (
            <Table.Tr key={s.id}>
              <Table.Td>
                {s.username} <Badge variant="light">{t(`common:roles.${s.role}`)}</Badge> {s.current && <Badge color="blue">{t('sessions.you')}</Badge>} {s.locked && <Badge color="gray">{t('sessions.locked')}</Badge>}
              </Table.Td>
              <Table.Td>{t('sessions.times', { start: when(s.startedAt), last: when(s.lastActive) })}</Table.Td>
              <Table.Td>
                {!s.current && (
                  <Button size="xs" variant="light" color="red" onClick={() => setEnding(s.id)} data-testid={`end-session-${s.username}`}>
                    {t('sessions.end')}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {ending && (
        <ReasonModal title={t('sessions.endTitle')} confirmLabel={t('sessions.endConfirm')} confirmColor="red" testId="end-session" onClose={() => setEnding(null)} onConfirm={async (reason) => {
          await call('revokeSession', { sessionId: ending, reason });
          await queryClient.invalidateQueries({ queryKey: ['sessions'] });
        }}>
          <Text size="sm">{t('sessions.endBody')}</Text>
        </ReasonModal>
      )}
    </Card>
  );
}

export function CliTokenCard() {
  const { t } = useTranslation('users');
  const [token, setToken] = useState<{ token: string; expiresAt: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Title order={4}>{t('cli.title')}</Title>
        <Text size="sm" c="dimmed">
          <Trans i18nKey="users:cli.intro" components={{ code: <Code /> }} />
        </Text>
        <ErrorNote error={error} />
        {token && (
          <Group gap="xs">
            <Code data-testid="cli-token">{token.token}</Code>
            <CopyButton value={token.token}>{({ copied, copy }) => <Button size="xs" variant="light" onClick={copy}>{copied ? t('cli.copied') : t('cli.copy')}</Button>}</CopyButton>
            <Text size="xs">{t('cli.validUntil', { when: when(token.expiresAt) })}</Text>
          </Group>
        )}
        <Button variant="light" onClick={() => call('issueCliToken', {}).then(setToken, setError)} data-testid="issue-cli-token">
          {t('cli.take')}
        </Button>
      </Stack>
    </Card>
  );
}
