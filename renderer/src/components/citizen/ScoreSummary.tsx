/** Why the score is what it is, in short: the main reasons lowering it, and its history from the ledger as a chart with its figures as a table. */
import { LineChart } from '@mantine/charts';
import { Card, List, SimpleGrid, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Output } from '../../../../shared/contract';
import { points, score, when } from '../../format';
import { useRuleText } from '../../i18n/ruleText';
import { ChartWithTable } from '../ChartWithTable';
import { operationKindLabel } from '../ops/operationKinds';

type Record = Output<'citizen'>;
type Explanation = NonNullable<Record['explanation']>;

function MainReasons({ e }: { e: Explanation }) {
  const { t } = useTranslation('citizen');
  const ruleText = useRuleText();
  /** A rule's reason code in the reader's language (the rule's translation); the friend penalty in the console's words; other codes as the server words them. */
  const reasonLabel = (r: { code: string; label: string }) => {
    const rule = e.rules.find((x) => x.ruleId === r.code);
    if (rule) return ruleText.name({ name: rule.ruleName, i18n: rule.i18n });
    return r.code === 'friend_penalty' ? t('reasons.friendPenalty') : r.label;
  };
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">
        {t('reasons.title')}
      </Title>
      {e.reasonCodes.length === 0 ? (
        <Text c="dimmed">{t('reasons.none')}</Text>
      ) : (
        <List type="ordered" data-testid="reason-codes">
          {e.reasonCodes.map((r) => (
            <List.Item key={r.code}>
              {reasonLabel(r)}{' '}
              <Text span c="red.7" ff="monospace">
                {points(r.points)}
              </Text>
            </List.Item>
          ))}
        </List>
      )}
    </Card>
  );
}

function ScoreHistory({ record }: { record: Record }) {
  const { t } = useTranslation('citizen');
  const steps = [...record.history].reverse();
  const chart = steps.map((l) => ({ date: when(l.operation.at), score: l.newScore }));
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">
        {t('history.title')}
      </Title>
      {chart.length > 1 ? (
        <ChartWithTable
          testId="score-history"
          chart={
            <LineChart
              h={170}
              data={chart}
              dataKey="date"
              series={[{ name: 'score', label: t('history.score'), color: 'indigo.6' }]}
              curveType="stepAfter"
              withDots
              valueFormatter={(v) => score(v)}
              yAxisProps={{ domain: ['auto', 'auto'] }}
              accessibilityLayer={false}
            />
          }
          table={{
            caption: t('history.title'),
            columns: [{ label: t('history.when') }, { label: t('history.operation') }, { label: t('history.score'), numeric: true }],
            rows: steps.map((l) => ({
              key: String(l.seq),
              cells: [when(l.operation.at), t('history.operationCell', { id: l.operationId, kind: operationKindLabel(l.operation.kind) }), score(l.newScore)],
            })),
          }}
        />
      ) : (
        <Text c="dimmed" size="sm">
          {t('history.single', { score: score(record.summary.score), since: chart[0]?.date ?? '—' })}
        </Text>
      )}
    </Card>
  );
}

export function ScoreSummary({ record, e }: { record: Record; e: Explanation }) {
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }}>
      <MainReasons e={e} />
      <ScoreHistory record={record} />
    </SimpleGrid>
  );
}
