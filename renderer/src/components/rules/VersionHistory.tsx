/**
 * Every published version, a field-by-field diff between any two of them (or
 * the draft), and "restore as draft" to bring an old version back through the
 * normal simulate-and-publish path.
 */
import { Anchor, Badge, Button, Card, Group, Loader, Modal, Select, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import type { RulesetVersion } from '../../../../shared/contract';
import { call } from '../../api';
import { when } from '../../format';
import { ErrorNote } from '../ErrorNote';
import { diffRulesets, summariseDiff } from './diff';
import type { DraftHandle, DraftRuleset } from './draft';
import { RulesetDiffView } from './RulesetDiffView';

type Pick = string | null; // a version number as text, or 'draft'

const versionQuery = (version: number) => ({ queryKey: ['rulesetGet', version], queryFn: () => call('rulesetGet', { version }), staleTime: Infinity });

function useSide(pick: Pick, draft: DraftRuleset) {
  const version = pick && pick !== 'draft' ? Number(pick) : null;
  const q = useQuery({ ...versionQuery(version ?? 0), enabled: version !== null });
  if (pick === 'draft') return { spec: draft as DraftRuleset | undefined, label: 'the draft', loading: false, error: null };
  return { spec: q.data as DraftRuleset | undefined, label: version ? `version ${version}` : '', loading: q.isLoading, error: q.error };
}

interface Props {
  versions: RulesetVersion[];
  currentVersion: number | null;
  handle: DraftHandle;
  draftChanges: number;
  onRestored: () => void;
}

export function VersionHistory({ versions, currentVersion, handle, draftChanges, onRestored }: Props) {
  const queryClient = useQueryClient();
  const [from, setFrom] = useState<Pick>(versions[1] ? String(versions[1].version) : versions[0] ? String(versions[0].version) : null);
  const [to, setTo] = useState<Pick>(versions[1] ? String(versions[0].version) : 'draft');
  const [pendingRestore, setPendingRestore] = useState<number | null>(null);
  const [restoreError, setRestoreError] = useState<unknown>(null);
  const a = useSide(from, handle.draft);
  const b = useSide(to, handle.draft);
  const options = [{ value: 'draft', label: 'The draft' }, ...versions.map((v) => ({ value: String(v.version), label: `Version ${v.version}${v.version === currentVersion ? ' (published)' : ''}` }))];

  const restore = async (version: number) => {
    setPendingRestore(null);
    setRestoreError(null);
    try {
      const spec = await queryClient.fetchQuery(versionQuery(version));
      handle.replace(spec, version);
      notifications.show({ title: `Version ${version} restored as the draft`, message: 'Review it, simulate it and publish it with a reason to make it current.' });
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
          Published versions
        </Title>
        <ErrorNote error={restoreError} title="The version could not be restored" />
        <Table.ScrollContainer minWidth={820}>
          <Table striped highlightOnHover verticalSpacing={6} data-testid="versions-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Version</Table.Th>
                <Table.Th>When (UTC)</Table.Th>
                <Table.Th>By</Table.Th>
                <Table.Th>Reason</Table.Th>
                <Table.Th ta="right">Rules</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {versions.map((v, i) => (
                <Table.Tr key={v.version} data-testid="version-row" data-version={v.version}>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Text fw={600}>v{v.version}</Text>
                      {v.version === currentVersion && (
                        <Badge size="sm" color="teal">
                          published
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
                        proposed by <b>{v.proposedBy}</b>, approved by <b>{v.approvedBy}</b>
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
                        Diff with previous
                      </Button>
                      <Button size="compact-xs" variant="light" onClick={() => askRestore(v.version)} data-testid={`restore-version-${v.version}`}>
                        Restore as draft
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
            No version has been published yet.
          </Text>
        )}
      </Card>
      <Card withBorder padding="sm">
        <Group align="flex-end" mb="sm">
          <Title order={4} mr="md">
            Compare
          </Title>
          <Select label="From" data={options} value={from} onChange={setFrom} w={220} allowDeselect={false} data-testid="diff-from" />
          <Text pb={8}>→</Text>
          <Select label="To" data={options} value={to} onChange={setTo} w={220} allowDeselect={false} data-testid="diff-to" />
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
      <Modal opened={pendingRestore !== null} onClose={() => setPendingRestore(null)} title={<Text fw={700}>Replace the current draft?</Text>}>
        <Stack gap="sm">
          <Text size="sm">
            Your draft has {draftChanges} change{draftChanges === 1 ? '' : 's'} from the published ruleset. Restoring version {pendingRestore} replaces them; they cannot be recovered.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setPendingRestore(null)}>
              Keep my draft
            </Button>
            <Button color="red" onClick={() => pendingRestore !== null && void restore(pendingRestore)} data-testid="restore-confirm">
              Replace with version {pendingRestore}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
