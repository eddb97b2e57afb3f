/** Every ledger entry of a citizen with the operation behind it: who, when, why, which ruleset, what moved. */
import { Anchor, Badge, Group, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { LedgerEntryWithOperation } from '../../../../shared/contract';
import { score, when } from '../../format';
import { operationKindLabel } from '../ops/operationKinds';
import { TierBadge } from '../TierBadge';
import { ScopeCauseBadge } from '../consent/ScopeCauseBadge';
import { readReason } from '../../i18n/systemReason';

export function AuditTrail({ entries }: { entries: LedgerEntryWithOperation[] }) {
  const { t } = useTranslation('citizen');
  if (entries.length === 0) return <Text c="dimmed">{t('audit.none')}</Text>;
  return (
    <Table striped verticalSpacing="xs" data-testid="audit-trail">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('audit.when')}</Table.Th>
          <Table.Th>{t('audit.operation')}</Table.Th>
          <Table.Th>{t('audit.reason')}</Table.Th>
          <Table.Th>{t('audit.score')}</Table.Th>
          <Table.Th>{t('audit.cause')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {entries.map((l) => (
          <Table.Tr key={l.seq} data-testid="audit-entry">
            <Table.Td>
              <Text size="sm">{when(l.operation.at)}</Text>
              <Text size="xs" c="dimmed">
                {t('audit.entry', { seq: l.seq })}
              </Text>
            </Table.Td>
            <Table.Td>
              <Anchor component={Link} href={`/operations/${l.operationId}`} size="sm">
                {/* Lower case in running text ("#12 ruleset published"); Chinese has no case. */}
                {t('audit.operationLink', { id: l.operationId, kind: operationKindLabel(l.operation.kind).toLocaleLowerCase() })}
              </Anchor>
              <Text size="xs" c="dimmed">
                {typeof l.operation.details.proposed_by === 'string'
                  ? t('audit.proposedApproved', { proposer: l.operation.details.proposed_by, approver: String(l.operation.details.approved_by ?? l.operation.actor), version: l.rulesetVersion })
                  : t('audit.by', { actor: l.operation.actor, version: l.rulesetVersion })}
              </Text>
            </Table.Td>
            <Table.Td maw={360}>
              <Text size="sm" data-testid="audit-reason">
                {readReason(l.operation.reason)}
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
                <Badge variant="light">{t('operations:entries.ownRecords')}</Badge>
              ) : (
                <Group gap={4}>
                  <Badge variant="light" color="grape">
                    {t('operations:entries.friends')}
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
