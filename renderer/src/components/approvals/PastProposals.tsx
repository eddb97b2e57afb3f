/** Proposals already decided: who proposed what and why, who decided, when and why, and the operation it produced. */
import { Anchor, Badge, Table, Text } from '@mantine/core';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { Proposal } from '../../../../shared/contract';
import { points, when } from '../../format';
import { adjustmentOf, kindLabel, PROPOSAL_STATUS_COLOR, rulesetOf, statusLabel } from './proposalText';

function What({ p }: { p: Proposal }) {
  const { t } = useTranslation('approvals');
  const a = adjustmentOf(p);
  if (a) {
    return (
      <Text size="sm">
        <Trans
          i18nKey="approvals:past.adjustment"
          values={{ points: points(a.points), citizenId: a.citizenId }}
          components={{
            pts: <Text span ff="monospace" c={a.points < 0 ? 'red.9' : 'var(--credence-ok-text)'} />,
            lnk: <Anchor component={Link} href={`/citizen/${encodeURIComponent(a.citizenId)}`} size="sm" ff="monospace" />,
          }}
        />
      </Text>
    );
  }
  const spec = rulesetOf(p);
  return <Text size="sm">{spec ? t('past.rulesetSize', { rules: spec.rules.length, tiers: spec.tiers.length }) : t('past.ruleset')}</Text>;
}

export function PastProposals({ proposals }: { proposals: Proposal[] }) {
  const { t } = useTranslation('approvals');
  if (proposals.length === 0) return <Text c="dimmed">{t('past.nothing')}</Text>;
  return (
    <Table.ScrollContainer minWidth={1000}>
      <Table striped verticalSpacing="xs" data-testid="past-proposals">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('past.proposal')}</Table.Th>
            <Table.Th>{t('past.what')}</Table.Th>
            <Table.Th>{t('past.proposed')}</Table.Th>
            <Table.Th>{t('past.decision')}</Table.Th>
            <Table.Th>{t('past.operation')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {proposals.map((p) => (
            <Table.Tr key={p.id} data-testid="past-proposal" data-proposal-id={p.id}>
              <Table.Td>
                <Text size="sm" fw={600}>
                  #{p.id}
                </Text>
                <Text size="xs" c="dimmed">
                  {kindLabel(p.kind)}
                </Text>
              </Table.Td>
              <Table.Td>
                <What p={p} />
              </Table.Td>
              <Table.Td maw={320}>
                <Text size="sm">{p.reason}</Text>
                <Text size="xs" c="dimmed">
                  {p.proposedBy} · {when(p.proposedAt)}
                </Text>
              </Table.Td>
              <Table.Td maw={320}>
                <Badge color={PROPOSAL_STATUS_COLOR[p.status]} variant="light" data-testid="past-proposal-status">
                  {statusLabel(p.status)}
                </Badge>
                {p.decisionReason && <Text size="sm">{p.decisionReason}</Text>}
                <Text size="xs" c="dimmed">
                  {p.decidedBy ?? '—'} · {p.decidedAt ? when(p.decidedAt) : '—'}
                </Text>
              </Table.Td>
              <Table.Td>
                {p.operationId !== null ? (
                  <Anchor component={Link} href={`/operations/${p.operationId}`} size="sm" data-testid="past-proposal-operation">
                    #{p.operationId}
                  </Anchor>
                ) : (
                  <Text size="sm" c="dimmed">
                    {t('past.none')}
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
