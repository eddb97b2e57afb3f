/** One operation: who did what, when and why, its details, and the ledger entries it wrote. */
import { Anchor, Button, Card, Code, CopyButton, DataList, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { OperationRow } from '../../../../shared/contract';
import { ApiError, call } from '../../api';
import { count } from '../../format';
import { ErrorNote } from '../ErrorNote';
import { LedgerEntries, useOperationWithLedger } from './LedgerEntries';
import { OperationKindBadge, operationKindLabel, utc } from './operationKinds';
import { readReason } from '../../i18n/systemReason';

/** `previous_version` and `kindsAdded` both read as words: in English from the key itself, in another language from operations:detailKey where the catalog names it. */
const humanise = (key: string): string =>
  key
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/^./, (c) => c.toUpperCase());

function DetailValue({ name, value }: { name: string; value: unknown }) {
  const { t } = useTranslation('operations');
  if (value === null || value === undefined) return <Text size="sm" c="dimmed">—</Text>;
  if (typeof value === 'string' && /citizen(_id)?$/i.test(name) && /^[A-Za-z0-9_-]{1,64}$/.test(value)) {
    return (
      <Anchor component={Link} href={`/citizen/${encodeURIComponent(value)}`} ff="monospace" size="sm">
        {value}
      </Anchor>
    );
  }
  if (name === 'folder' && typeof value === 'string' && /credence-upload-/.test(value)) {
    // importFiles writes the uploaded files to a temporary folder and removes it afterwards.
    return (
      <Text size="sm">
        {t('details.uploaded')}{' '}
        <Text span c="dimmed" size="sm">
          {t('details.uploadedFolder', { folder: value })}
        </Text>
      </Text>
    );
  }
  if (typeof value === 'number') return <Text size="sm" ff="monospace">{count(value)}</Text>;
  if (typeof value === 'boolean') return <Text size="sm">{value ? t('details.yes') : t('details.no')}</Text>;
  if (typeof value === 'string') return <Text size="sm" style={{ wordBreak: 'break-all' }}>{/^\d{4}-\d\d-\d\dT/.test(value) ? utc(value) : value}</Text>;
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) {
    return (
      <Group gap={6}>
        {value.length === 0 ? <Text size="sm" c="dimmed">{t('details.none')}</Text> : value.map((v, i) => <Code key={i}>{String(v)}</Code>)}
      </Group>
    );
  }
  return (
    <Code block fz="xs">
      {JSON.stringify(value, null, 2)}
    </Code>
  );
}

function Details({ op }: { op: OperationRow }) {
  const { t } = useTranslation('operations');
  const [raw, { toggle }] = useDisclosure(false);
  const json = JSON.stringify(op.details, null, 2);
  const entries = Object.entries(op.details);
  return (
    <Stack gap="xs" data-testid="operation-details-json">
      <Group justify="space-between">
        <Title order={4} size="h5">{t('details.title')}</Title>
        <Group gap="xs">
          <Button size="compact-xs" variant="subtle" onClick={toggle}>
            {raw ? t('details.showList') : t('details.showJson')}
          </Button>
          <CopyButton value={json}>
            {({ copied, copy }) => (
              <Button size="compact-xs" variant="subtle" onClick={copy}>
                {copied ? t('details.copied') : t('details.copyJson')}
              </Button>
            )}
          </CopyButton>
        </Group>
      </Group>
      {raw ? (
        <Code block>{json}</Code>
      ) : entries.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('details.empty')}
        </Text>
      ) : (
        <DataList labelWidth={220}>
          {entries.map(([k, v]) => (
            <DataList.Item key={k}>
              <DataList.ItemLabel title={k}>{t(`detailKey.${k}`, { defaultValue: humanise(k) })}</DataList.ItemLabel>
              <DataList.ItemValue>
                <DetailValue name={k} value={v} />
              </DataList.ItemValue>
            </DataList.Item>
          ))}
        </DataList>
      )}
    </Stack>
  );
}

/** Older and newer neighbours: operation ids are consecutive, newest is the largest. */
function Neighbours({ id }: { id: number }) {
  const { t } = useTranslation('operations');
  const { data } = useQuery({ queryKey: ['operations', { offset: 0, limit: 1 }], queryFn: () => call('operations', { offset: 0, limit: 1 }) });
  const newest = data?.rows[0]?.id ?? id;
  return (
    <Group gap="xs">
      <Button component={Link} href={`/operations/${id - 1}`} variant="default" size="xs" disabled={id <= 1} data-testid="operation-older">
        ← {t('details.older')}
      </Button>
      <Button component={Link} href={`/operations/${id + 1}`} variant="default" size="xs" disabled={id >= newest} data-testid="operation-newer">
        {t('details.newer')} →
      </Button>
    </Group>
  );
}

export function OperationDetails({ operationId }: { operationId: number }) {
  const { t } = useTranslation('operations');
  const valid = Number.isInteger(operationId) && operationId >= 1;
  const { data, error, isLoading } = useOperationWithLedger(operationId, valid);
  const back = (
    <Anchor component={Link} href="/operations" size="sm" data-testid="operations-back">
      ← {t('details.all')}
    </Anchor>
  );
  if (!valid || (error instanceof ApiError && error.code === 'not_found')) {
    return (
      <Stack>
        {back}
        <Text data-testid="operation-not-found">{t('details.notFound', { id: String(operationId) })}</Text>
      </Stack>
    );
  }
  if (isLoading) return <Loader aria-label={t('common:auth.loading')} />;
  if (error || !data) return <ErrorNote error={error} />;
  const op = data.operation;
  return (
    <Stack>
      <Group justify="space-between">
        {back}
        <Neighbours id={op.id} />
      </Group>
      <Card withBorder data-testid="operation-details">
        <Group gap="sm" mb="sm">
          <Title order={3}>{t('operationTitle', { id: op.id })}</Title>
          <OperationKindBadge kind={op.kind} />
        </Group>
        <DataList labelWidth={220} mb="md">
          <DataList.Item>
            <DataList.ItemLabel>{t('list.kind')}</DataList.ItemLabel>
            <DataList.ItemValue>
              {operationKindLabel(op.kind)}{' '}
              <Text span c="dimmed" ff="monospace" fz="sm">
                ({op.kind})
              </Text>
            </DataList.ItemValue>
          </DataList.Item>
          <DataList.Item>
            <DataList.ItemLabel>{t('list.by')}</DataList.ItemLabel>
            <DataList.ItemValue data-testid="operation-by">
              {typeof op.details.proposed_by === 'string' && typeof op.details.approved_by === 'string' ? (
                t('details.proposedApproved', { proposer: op.details.proposed_by, approver: op.details.approved_by })
              ) : (
                op.actor
              )}
            </DataList.ItemValue>
          </DataList.Item>
          <DataList.Item>
            <DataList.ItemLabel>{t('details.when')}</DataList.ItemLabel>
            <DataList.ItemValue ff="monospace">{utc(op.at)}</DataList.ItemValue>
          </DataList.Item>
          <DataList.Item>
            <DataList.ItemLabel>{t('list.reason')}</DataList.ItemLabel>
            <DataList.ItemValue data-testid="operation-reason">{op.reason ? readReason(op.reason) : <Text c="dimmed">{t('details.noReason')}</Text>}</DataList.ItemValue>
          </DataList.Item>
          <DataList.Item>
            <DataList.ItemLabel>{t('details.entriesWritten')}</DataList.ItemLabel>
            <DataList.ItemValue>{count(data.total)}</DataList.ItemValue>
          </DataList.Item>
        </DataList>
        <Details op={op} />
      </Card>
      <Card withBorder>
        <Title order={4}>{t('details.scoreChanges', { count: data.total, total: count(data.total) })}</Title>
        <Text size="sm" c="dimmed" mb="sm">
          {t('details.scoreChangesHelp')}
        </Text>
        {data.total === 0 ? (
          <Text size="sm" data-testid="ledger-empty">
            {t('details.noEntries')}
          </Text>
        ) : (
          <LedgerEntries key={op.id} operationId={op.id} total={data.total} />
        )}
      </Card>
    </Stack>
  );
}
