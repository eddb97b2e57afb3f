/**
 * The reach of guilt by association on the Overview (issue 13, part 2): of
 * all points deducted from the population (negative rule totals, negative
 * adjustments, friend penalties), how many come from the friend penalty, by
 * district. Aggregates only.
 */
import { BarChart } from '@mantine/charts';
import { Card, Loader, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { call } from '../../api';
import { count, intlLocale, score } from '../../format';
import { ChartWithTable } from '../ChartWithTable';
import { ErrorNote } from '../ErrorNote';
import { DISCLOSURE_MIN } from '../../../../shared/fairness';

const percent = (share: number | null): string =>
  share === null ? '—' : new Intl.NumberFormat(intlLocale(), { style: 'percent', maximumFractionDigits: 1 }).format(share);

export function FriendPenaltyPanel() {
  const { t } = useTranslation('network');
  const { data, error, isLoading } = useQuery({ queryKey: ['friendPenaltyShare'], queryFn: () => call('friendPenaltyShare', {}) });
  if (isLoading) return <Loader size="sm" aria-label={t('loading')} />;
  if (error || !data) return <ErrorNote error={error} />;
  if (data.rulesetVersion === null) return null;
  const districts = data.rows.filter((r) => r.district !== null);
  const all = data.rows.find((r) => r.district === null);
  return (
    <Card withBorder data-testid="friend-penalty-panel">
      <Title order={3} size="h4" mb="xs">
        {t('panel.title')}
      </Title>
      {all && (
        <Text size="sm" mb="sm" data-testid="friend-penalty-total">
          {t('panel.summary', { share: percent(all.share), friendLoss: score(all.friendLoss), loss: score(all.loss) })}
        </Text>
      )}
      <ChartWithTable
        testId="friend-penalty-chart"
        chart={
          <BarChart
            h={260}
            data={districts.filter((r) => !r.withheld).map((r) => ({ district: r.district ?? '', own: (r.loss ?? 0) - (r.friendLoss ?? 0), friends: r.friendLoss ?? 0 }))}
            dataKey="district"
            type="stacked"
            series={[
              { name: 'own', label: t('panel.own'), color: 'gray.5' },
              { name: 'friends', label: t('panel.friends'), color: 'orange.6' },
            ]}
            valueFormatter={(v) => score(v)}
            yAxisProps={{ width: 64, tickFormatter: (v: number) => count(v) }}
            accessibilityLayer={false}
            withLegend
            withTooltip
          />
        }
        table={{
          caption: t('panel.caption'),
          columns: [
            { label: t('panel.district') },
            { label: t('panel.citizens'), numeric: true },
            { label: t('panel.loss'), numeric: true },
            { label: t('panel.friends'), numeric: true },
            { label: t('panel.share'), numeric: true },
          ],
          rows: data.rows.map((r) => ({
            key: r.district ?? '',
            cells: [r.district ?? t('panel.all'), count(r.citizens), r.loss === null ? '—' : score(r.loss), r.friendLoss === null ? '—' : score(r.friendLoss), percent(r.share)],
          })),
        }}
      />
      <Text size="xs" c="dimmed" mt="xs">
        {t('panel.note')}
        {districts.some((r) => r.withheld) && <> {t('panel.withheld', { min: DISCLOSURE_MIN })}</>}
      </Text>
    </Card>
  );
}
