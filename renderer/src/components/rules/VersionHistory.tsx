/**
 * Every published version, a field-by-field diff between any two of them (or
 * the draft), and "restore as draft" to bring an old version back through the
 * normal simulate-and-publish path.
 */
import { Anchor, Badge, Button, Card, Group, Loader, Modal, Select, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { RulesetVersion } from '../../../../shared/contract';
import { call } from '../../api';
import { when } from '../../format';
import { ErrorNote } from '../ErrorNote';
import { diffRulesets, summariseDiff } from './diff';
import type { DraftHandle, DraftRuleset } from './draft';
import { RulesetDiffView } from './RulesetDiffView';
import { FairnessHistoryButton } from './FairnessHistoryButton';

type Pick = string | null; // a version number as text, or 'draft'

const versionQuery = (version: number) => ({ queryKey: ['rulesetGet', version], queryFn: () => call('rulesetGet', { version }), staleTime: Infinity });

function useSide(pick: Pick, draft: DraftRuleset) {
  const { t } = useTranslation('rules');
  const version = pick && pick !== 'draft' ? Number(pick) : null;
  const q = useQuery({ ...versionQuery(version ?? 0), enabled: version !== null });
  if (pick === 'draft') return { spec: draft as DraftRuleset | undefined, label: t('history.theDraft'), loading: false, error: null };
  return { spec: q.data as DraftRuleset | undefined, label: version ? t('history.versionLabel', { version }) : '', loading: q.isLoading, error: q.error };
}

interface Props {
  versions: RulesetVersion[];
  currentVersion: number | null;
  handle: DraftHandle;
  draftChanges: number;
  onRestored: () => void;
}

export function VersionHistory({ versions, currentVersion, handle, draftChanges, onRestored }: Props) {
  const { t } = useTranslation('rules');
  const queryClient = useQueryClient();
  const [from, setFrom] = useState<Pick>(versions[1] ? String(versions[1].version) : versions[0] ? String(versions[0].version) : null);
  const [to, setTo] = useState<Pick>(versions[1] ? String(versions[0].version) : 'draft');
  const [pendingRestore, setPendingRestore] = useState<number | null>(null);
  const [restoreError, setRestoreError] = useState<unknown>(null);
  const a = useSide(from, handle.draft);
  const b = useSide(to, handle.draft);
  const options = [
    { value: 'draft', label: t('history.optionDraft') },
    ...versions.map((v) => ({ value: String(v.version), label: v.version === currentVersion ? t('history.optionCurrent', { version: v.version }) : t('history.optionVersion', { version: v.version }) })),
  ];

  const restore = async (version: number) => {
    setPendingRestore(null);
    setRestoreError(null);
    try {
      const spec = await queryClient.fetchQuery(versionQuery(version));
      handle.replace(spec, version);
      notifications.show({ title: t('history.restored', { version }), message: t('history.restoredBody') });
      onRestored();
    } catch (err) {
      setRestoreError(err);
    }
  };
  const askRestore = (version: number) => (handle.stored && draftChanges > 0 ? setPendingRestore(version) : void restore(version));
  const compareWithPrevious = (i: number) => {
    setFrom(String(versions[i + 1].version));
    setTo(String(versions[i].version));
  };

  return (
    <Stack gap="md">
      <Card withBorder padding="sm">
        <Title order={4} mb="xs">
          {t('history.published')}
        </Title>
        <ErrorNote error={restoreError} title={t('history.restoreFailed')} />
        <Table.ScrollContainer minWidth={820}>
          <Table striped highlightOnHover verticalSpacing={6} data-testid="versions-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('version')}</Table.Th>
                <Table.Th>{t('history.when')}</Table.Th>
                <Table.Th>{t('by')}</Table.Th>
                <Table.Th>{t('reason')}</Table.Th>
                <Table.Th ta="right">{t('history.rules')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {versions.map((v, i) => (
                <Table.Tr key={v.version} data-testid="version-row" data-version={v.version}>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Text fw={600}>{t('versionShort', { version: v.version })}</Text>
                      {v.version === currentVersion && (
                        <Badge size="sm" color="teal">
                          {t('history.current')}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Anchor component={Link} href={`/operations/${v.operationId}`} size="sm">
                      {when(v.at)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td data-testid="version-by">
                    {v.proposedBy && v.approvedBy ? (
                      <Text size="sm">
                        <Trans i18nKey="rules:history.proposedApproved" values={{ proposer: v.proposedBy, approver: v.approvedBy }} components={{ b: <b /> }} />
                      </Text>
                    ) : (
                      v.actor
                    )}
                  </Table.Td>
                  <Table.Td maw={420}>
                    <Text size="sm">{v.reason}</Text>
                  </Table.Td>
                  <Table.Td ta="right">{v.rules}</Table.Td>
                  <Table.Td>
                    <Group gap={6} justify="flex-end" wrap="nowrap">
                      <Button size="compact-xs" variant="default" disabled={!versions[i + 1]} onClick={() => compareWithPrevious(i)} data-testid={`compare-previous-${v.version}`}>
                        {t('history.diffPrevious')}
                      </Button>
                      <FairnessHistoryButton version={v.version} />
                      <Button size="compact-xs" variant="light" onClick={() => askRestore(v.version)} data-testid={`restore-version-${v.version}`}>
                        {t('history.restore')}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {versions.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('history.none')}
          </Text>
        )}
      </Card>
      <Card withBorder padding="sm">
        <Group align="flex-end" mb="sm">
          <Title order={4} mr="md">
            {t('history.compare')}
          </Title>
          <Select label={t('history.from')} data={options} value={from} onChange={setFrom} w={220} allowDeselect={false} data-testid="diff-from" />
          <Text pb={8}>→</Text>
          <Select label={t('history.to')} data={options} value={to} onChange={setTo} w={220} allowDeselect={false} data-testid="diff-to" />
          {a.spec && b.spec && (
            <Text size="sm" c="dimmed" pb={8}>
              {summariseDiff(diffRulesets(a.spec, b.spec))}
            </Text>
          )}
        </Group>
        <ErrorNote error={a.error ?? b.error} />
        {(a.loading || b.loading) && <Loader size="sm" />}
        {a.spec && b.spec && <RulesetDiffView diff={diffRulesets(a.spec, b.spec)} beforeLabel={a.label} afterLabel={b.label} />}
      </Card>
      <Modal opened={pendingRestore !== null} onClose={() => setPendingRestore(null)} title={<Text fw={700}>{t('history.replaceTitle')}</Text>}>
        <Stack gap="sm">
          <Text size="sm">
            {t('history.replaceBody', { count: draftChanges, version: pendingRestore })}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setPendingRestore(null)}>
              {t('history.keep')}
            </Button>
            <Button color="red" onClick={() => pendingRestore !== null && void restore(pendingRestore)} data-testid="restore-confirm">
              {t('history.replace', { version: pendingRestore })}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
