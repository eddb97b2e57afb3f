/** The access log, for auditors: every record opened, search made, refusal and login, newest first. */
import { Anchor, Badge, Button, Group, Pagination, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { call } from '../api';
import { ErrorNote } from '../components/ErrorNote';
import { saveFile } from '../download';
import { count, when } from '../format';
import { PurposeSetting } from '../components/ops/PurposeSetting';
import { BulkReadAlerts } from '../components/ops/BulkReadAlerts';
import { usePageTitle } from '../pageTitle';
import { ACCESS_ACTIONS, isChannelAction, isLoggedAction } from '../../../shared/accessActions';
import { CHANNEL_NAMES } from '../../../shared/channels';
import { serverText } from '../i18n/serverText';

const PAGE = 50;

/** Channels whose refused calls are logged under their own name (those that are also logged actions are listed once, as actions). */
const REFUSABLE = CHANNEL_NAMES.filter((name) => !isLoggedAction(name));

export function AccessLogPage() {
  const { t } = useTranslation('accessLog');
  usePageTitle(t('title'));
  const actionLabel = (code: string): string => (isLoggedAction(code) ? t(`action.${code}`) : isChannelAction(code) ? t('refusedCall', { channel: code }) : code);
  const actionOptions = [
    { group: t('filter.actions'), items: ACCESS_ACTIONS.map((code) => ({ value: code, label: actionLabel(code) })) },
    { group: t('filter.refusedCalls'), items: REFUSABLE.map((code) => ({ value: code, label: actionLabel(code) })) },
  ];
  const [citizenId, setCitizenId] = useState('');
  const [username, setUsername] = useState('');
  const [action, setAction] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const [filters] = useDebouncedValue({ citizenId: citizenId.trim() || undefined, username: username.trim() || undefined, action: action ?? undefined }, 200);
  const { data, error } = useQuery({
    queryKey: ['accessLog', filters, page],
    queryFn: () => call('accessLog', { ...filters, offset: (page - 1) * PAGE, limit: PAGE }),
    placeholderData: (prev) => prev,
  });
  return (
    <Stack>
      <Title order={2}>{t('title')}</Title>
      <Text size="sm" c="dimmed">
        {t('intro')}
      </Text>
      <PurposeSetting />
      <BulkReadAlerts onUser={(u) => (setUsername(u), setPage(1))} />
      <Group align="flex-end">
        <TextInput label={t('filter.citizen')} value={citizenId} onChange={(e) => (setCitizenId(e.currentTarget.value), setPage(1))} w={180} data-testid="access-citizen" />
        <TextInput label={t('filter.account')} value={username} onChange={(e) => (setUsername(e.currentTarget.value), setPage(1))} w={180} />
        <Select label={t('filter.action')} clearable placeholder={t('filter.allActions')} data={actionOptions} searchable value={action} onChange={(v) => (setAction(v), setPage(1))} w={200} data-testid="access-action" />
        <Button
          variant="default"
          onClick={() => void call('exportAccessLog', filters).then((r) => saveFile(r.filename, r.csv, 'text/csv'))}
          data-testid="export-access-log"
        >
          {t('download')}
        </Button>
      </Group>
      <ErrorNote error={error} />
      {data && (
        <>
          <Text size="sm">{t('total', { count: data.total, total: count(data.total) })}</Text>
          <Table striped data-testid="access-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('col.when')}</Table.Th>
                <Table.Th>{t('col.account')}</Table.Th>
                <Table.Th>{t('col.action')}</Table.Th>
                <Table.Th>{t('col.citizen')}</Table.Th>
                <Table.Th>{t('col.detail')}</Table.Th>
                <Table.Th>{t('col.purpose')}</Table.Th>
                <Table.Th>{t('col.outcome')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.rows.map((r) => (
                <Table.Tr key={r.id} data-testid="access-row">
                  <Table.Td>{when(r.at)}</Table.Td>
                  <Table.Td>{r.username}</Table.Td>
                  <Table.Td>
                    {actionLabel(r.action)}
                    {/* The code as the CSV export and the CLI write it, so a row on screen is found in either. */}
                    <Text size="xs" c="dimmed" ff="monospace">
                      {r.action}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {r.citizenId && (
                      <Anchor component={Link} href={`/citizen/${encodeURIComponent(r.citizenId)}`} ff="monospace" size="sm">
                        {r.citizenId}
                      </Anchor>
                    )}
                  </Table.Td>
                  <Table.Td maw={320}>
                    <Text size="xs" style={{ wordBreak: 'break-word' }}>
                      {serverText(r.detailKey, r.detailParams, r.detail)}
                    </Text>
                  </Table.Td>
                  <Table.Td>{r.purpose ?? ''}</Table.Td>
                  <Table.Td>
                    <Badge color={r.outcome === 'allowed' ? 'gray' : 'red'} variant="light">
                      {t(`outcome.${r.outcome}`, { defaultValue: r.outcome })}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Pagination
            total={Math.max(1, Math.ceil(data.total / PAGE))}
            value={page}
            onChange={setPage}
            getControlProps={(control) => ({ 'aria-label': t(`page.${control}`) })}
            getItemProps={(n) => ({ 'aria-label': t('page.number', { n }) })}
          />
        </>
      )}
    </Stack>
  );
}
