/**
 * The disputes worklist: every dispute awaiting a decision, soonest deadline
 * first, overdue ones in red; filters by status, district, who opened it,
 * who it is assigned to, and overdue; assignment to a reviewer from the list.
 */
import { Anchor, Badge, Button, Checkbox, Group, Select, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { Dispute, Input } from '../../../shared/contract';
import { call, recordPurpose } from '../api';
import { useAccess } from '../components/approvals/access';
import { AssignDisputeModal } from '../components/citizen/AssignDisputeModal';
import { deadlineText, DISPUTE_COLOR, disputeLabel, isActive } from '../components/citizen/disputeStatus';
import { ErrorNote } from '../components/ErrorNote';
import { count, when } from '../format';
import { usePageTitle } from '../pageTitle';

/** The status filter's choices; each label is disputes:filter.status_<value>. */
const STATUS_FILTERS = ['active', 'open', 'under_review', 'upheld', 'rejected', 'all'] as const;

/** How many disputes await a decision and how many are overdue: the navigation badge (counts only, no personal data). */
export function useDisputeCounts() {
  return useQuery({ queryKey: ['disputes', 'counts'], queryFn: () => call('disputeCounts', {}), refetchInterval: 60_000 });
}

export function DisputesPage() {
  const { t } = useTranslation('disputes');
  usePageTitle(t('title'));
  const { mayAct, username } = useAccess();
  const [status, setStatus] = useState('active');
  const [district, setDistrict] = useState<string | null>(null);
  const [openedBy, setOpenedBy] = useState('');
  const [mine, setMine] = useState(false);
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [assigning, setAssigning] = useState<Dispute | null>(null);
  const [opener] = useDebouncedValue(openedBy.trim(), 200);
  const { data: districts } = useQuery({ queryKey: ['districts'], queryFn: () => call('districts', {}) });
  const filters: Input<'disputes'> = {
    openOnly: status === 'active',
    status: status === 'active' || status === 'all' ? undefined : (status as Dispute['status']),
    district: district ?? undefined,
    openedBy: opener || undefined,
    assignedTo: mine ? username : undefined,
    overdueOnly,
  };
  const { data, error } = useQuery({ queryKey: ['disputes', 'worklist', filters], queryFn: () => call('disputes', filters), placeholderData: (prev) => prev });
  const overdue = data?.filter((d) => d.overdue).length ?? 0;
  return (
    <Stack>
      <Title order={2}>{t('title')}</Title>
      <Text size="sm" c="dimmed">
        {t('intro')}
      </Text>
      <Group align="flex-end">
        <Select label={t('filter.status')} data={STATUS_FILTERS.map((value) => ({ value, label: t(`filter.status_${value}`) }))} value={status} onChange={(v) => setStatus(v ?? 'active')} allowDeselect={false} w={200} data-testid="disputes-filter-status" />
        <Select label={t('filter.district')} placeholder={t('filter.all')} clearable data={districts ?? []} value={district} onChange={setDistrict} w={170} data-testid="disputes-filter-district" />
        <TextInput label={t('filter.openedBy')} placeholder={t('filter.account')} value={openedBy} onChange={(e) => setOpenedBy(e.currentTarget.value)} w={170} data-testid="disputes-filter-opened-by" />
        <Checkbox label={t('filter.mine')} checked={mine} onChange={(e) => setMine(e.currentTarget.checked)} mb={8} data-testid="disputes-filter-mine" />
        <Checkbox label={t('filter.overdueOnly')} checked={overdueOnly} onChange={(e) => setOverdueOnly(e.currentTarget.checked)} mb={8} data-testid="disputes-filter-overdue" />
      </Group>
      <ErrorNote error={error} title={t('loadFailed')} />
      {data && (
        <Text size="sm" data-testid="disputes-total">
          {t('total', { count: data.length, total: count(data.length) })}
          {overdue > 0 && (
            <Text span c="red.7" fw={600}>
              {' · '}
              {t('totalOverdue', { count: overdue, overdue: count(overdue) })}
            </Text>
          )}
        </Text>
      )}
      {data && data.length > 0 && (
        <Table striped highlightOnHover data-testid="disputes-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('col.due')}</Table.Th>
              <Table.Th>#</Table.Th>
              <Table.Th>{t('col.citizen')}</Table.Th>
              <Table.Th>{t('filter.district')}</Table.Th>
              <Table.Th>{t('col.about')}</Table.Th>
              <Table.Th>{t('filter.status')}</Table.Th>
              <Table.Th>{t('filter.openedBy')}</Table.Th>
              <Table.Th>{t('col.assignedTo')}</Table.Th>
              {mayAct && (
                <Table.Th>
                  <VisuallyHidden>{t('col.actions')}</VisuallyHidden>
                </Table.Th>
              )}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.map((d) => (
              <Table.Tr key={d.id} data-testid="disputes-row" data-overdue={d.overdue} style={d.overdue ? { boxShadow: 'inset 4px 0 0 var(--mantine-color-red-6)' } : undefined}>
                <Table.Td c={d.overdue ? 'red.7' : undefined} fw={d.overdue ? 600 : undefined} data-testid="disputes-deadline">
                  {when(d.deadline)}
                  {isActive(d) && (
                    <Text span size="xs" c={d.overdue ? 'red.7' : 'dimmed'}>
                      {' '}
                      ({deadlineText(d.deadline)})
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{d.id}</Table.Td>
                <Table.Td>
                  <Anchor component={Link} href={`/citizen/${encodeURIComponent(d.citizenId)}`} onClick={() => recordPurpose.suggest(d.citizenId, t('purposeHint', { id: d.id }))}>
                    {d.citizenName}
                  </Anchor>{' '}
                  <Text span size="xs" ff="monospace" c="dimmed">
                    {d.citizenId}
                  </Text>
                </Table.Td>
                <Table.Td>{d.district}</Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {d.eventId ? t('card.subjectEvent', { event: d.eventId }) : t('card.subjectRestriction', { id: d.measureId })}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <Badge color={DISPUTE_COLOR[d.status]} variant={isActive(d) ? 'filled' : 'light'}>
                      {disputeLabel(d.status)}
                    </Badge>
                    {d.overdue && (
                      <Badge color="red" variant="filled">
                        {t('overdue')}
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>{d.openedBy}</Table.Td>
                <Table.Td data-testid="disputes-assignee">{d.assignedTo ?? <Text span c="dimmed" size="sm">{t('nobody')}</Text>}</Table.Td>
                {mayAct && (
                  <Table.Td>
                    {isActive(d) && (
                      <Button size="compact-xs" variant="default" onClick={() => setAssigning(d)} data-testid="disputes-assign">
                        {t('card.assign')}
                      </Button>
                    )}
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {data && data.length === 0 && (
        <Text c="dimmed" data-testid="disputes-none">
          {t('noneMatch')}
        </Text>
      )}
      {assigning && <AssignDisputeModal d={assigning} onClose={() => setAssigning(null)} />}
    </Stack>
  );
}
