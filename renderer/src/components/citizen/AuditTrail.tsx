/** Every ledger entry of a citizen with the operation behind it: who, when, why, which ruleset, what moved. */
import { Anchor, Badge, Group, Table, Text } from '@mantine/core';
import { Link } from 'wouter';
import type { LedgerEntryWithOperation } from '../../../../shared/contract';
import { score, when } from '../../format';
import { TierBadge } from '../TierBadge';
import { ScopeCauseBadge } from '../consent/ScopeCauseBadge';

export function AuditTrail({ entries }: { entries: LedgerEntryWithOperation[] }) {
  if (entries.length === 0) return <Text c="dimmed">No ledger entry yet.</Text>;
  return (
    <Table striped verticalSpacing="xs" data-testid="audit-trail">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>When (UTC)</Table.Th>
          <Table.Th>Operation</Table.Th>
          <Table.Th>Reason</Table.Th>
          <Table.Th>Score</Table.Th>
          <Table.Th>Cause</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {entries.map((l) => (
          <Table.Tr key={l.seq} data-testid="audit-entry">
            <Table.Td>
              <Text size="sm">{when(l.operation.at)}</Text>
              <Text size="xs" c="dimmed">
                entry #{l.seq}
              </Text>
            </Table.Td>
            <Table.Td>
              <Anchor component={Link} href={`/operations/${l.operationId}`} size="sm">
                #{l.operationId} {l.operation.kind.replace(/_/g, ' ')}
              </Anchor>
              <Text size="xs" c="dimmed">
                {typeof l.operation.details.proposed_by === 'string'
                  ? `proposed by ${l.operation.details.proposed_by}, approved by ${String(l.operation.details.approved_by ?? l.operation.actor)}`
                  : `by ${l.operation.actor}`}{' '}
                · ruleset v{l.rulesetVersion}
              </Text>
            </Table.Td>
            <Table.Td maw={360}>
              <Text size="sm" data-testid="audit-reason">
                {l.operation.reason}
              </Text>
            </Table.Td>
            <Table.Td>
              <Group gap={6} wrap="nowrap">
                <Text size="sm" ff="monospace">
                  {score(l.oldScore)}
                </Text>
                <TierBadge tier={l.oldTier} size="sm" />
                <Text size="sm">→</Text>
                <Text size="sm" ff="monospace" fw={600}>
                  {score(l.newScore)}
                </Text>
                <TierBadge tier={l.newTier} size="sm" />
              </Group>
            </Table.Td>
            <Table.Td>
              {l.cause === 'scope' ? (
                <ScopeCauseBadge />
              ) : l.cause === 'own' ? (
                <Badge variant="light">own records</Badge>
              ) : (
                <Group gap={4}>
                  <Badge variant="light" color="grape">
                    friends
                  </Badge>
                  {l.causeFriends.map((f) => (
                    <Anchor key={f} component={Link} href={`/citizen/${encodeURIComponent(f)}`} size="xs" ff="monospace">
                      {f}
                    </Anchor>
                  ))}
                </Group>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
