/** The top of a record: who the citizen is, the downloads, the disputes awaiting a decision, and the score with its tier. */
import { Anchor, Badge, Card, Group, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { Output } from '../../../../shared/contract';
import { count, day, score, when } from '../../format';
import { useCurrentUser } from '../AuthGate';
import { TierBadge } from '../TierBadge';
import { isActive, useCitizenDisputes } from './disputeStatus';
import { ExportButtons } from './ExportButtons';

type Record = Output<'citizen'>;

function Identity({ summary, explained }: { summary: Record['summary']; explained: boolean }) {
  const { t } = useTranslation('citizen');
  const user = useCurrentUser();
  return (
    <>
      <Anchor component={Link} href="/search" size="sm">
        ← {t('backToSearch')}
      </Anchor>
      <Title order={2} data-testid="citizen-name">
        {summary.name}
      </Title>
      {summary.nameLatin && (
        <Text size="sm" data-testid="citizen-name-latin">
          {summary.nameLatin}
        </Text>
      )}
      <Text c="dimmed" size="sm">
        <Text span ff="monospace">
          {summary.citizenId}
        </Text>{' '}
        · {summary.district}
        {summary.birthDate ? ` · ${t('header.born', { date: day(summary.birthDate) })}` : ''}
      </Text>
      {explained && user && user.role !== 'viewer' && (
        <Group mt={6}>
          <ExportButtons citizenId={summary.citizenId} />
        </Group>
      )}
    </>
  );
}

/** Disputes awaiting a decision, one click from the disputes card. */
function OpenDisputesBadge({ citizenId }: { citizenId: string }) {
  const { t } = useTranslation('citizen');
  const disputes = useCitizenDisputes(citizenId);
  const active = (disputes.data ?? []).filter(isActive);
  const overdue = active.filter((d) => d.overdue).length;
  if (active.length === 0) return null;
  return (
    <Group gap={6} mt={6}>
      <Badge
        component="button"
        color="orange"
        variant="filled"
        style={{ cursor: 'pointer', border: 0 }}
        title={t('header.goToDisputes')}
        onClick={() => document.getElementById('disputes')?.scrollIntoView({ behavior: 'smooth' })}
        data-testid="citizen-open-disputes"
      >
        {t('header.openDisputes', { count: active.length, disputes: count(active.length) })}
      </Badge>
      {overdue > 0 && (
        <Badge color="red" variant="filled">
          {t('header.overdue', { count: overdue, overdue: count(overdue) })}
        </Badge>
      )}
    </Group>
  );
}

function ScoreCard({ summary, explanation: e }: Pick<Record, 'summary' | 'explanation'>) {
  const { t } = useTranslation('citizen');
  return (
    <Card withBorder padding="sm" miw={260}>
      <Group justify="space-between">
        <div>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {t('header.score')}
          </Text>
          <Text fz={34} fw={700} lh={1.1} ff="monospace" data-testid="citizen-score">
            {score(summary.score)}
          </Text>
        </div>
        <TierBadge tier={summary.tier} size="xl" />
      </Group>
      {e && (
        <Text size="xs" c="dimmed" mt={4}>
          {t('header.ruleset', { version: e.rulesetVersion })} · <span title={t('header.scoringDateHelp')}>{t('header.scoringDate', { at: when(e.asOf) })}</span>
        </Text>
      )}
    </Card>
  );
}

export function RecordHeader({ record }: { record: Record }) {
  const { summary, explanation } = record;
  return (
    <Group justify="space-between" align="flex-start">
      <div>
        <Identity summary={summary} explained={!!explanation} />
        <OpenDisputesBadge citizenId={summary.citizenId} />
      </div>
      <ScoreCard summary={summary} explanation={explanation} />
    </Group>
  );
}
