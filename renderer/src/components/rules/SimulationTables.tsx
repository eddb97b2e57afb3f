/** The simulation's tables: effect by district, the citizens who move most, and evaluation errors per rule. */
import { Anchor, Group, Table, Text, UnstyledButton } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { SimulationResult } from '../../../../shared/contract';
import { DISCLOSURE_MIN } from '../../../../shared/fairness';
import { count, points, score } from '../../format';
import { TierBadge } from '../TierBadge';

const delta = (x: number) => (
  <Text span size="sm" c={x > 0 ? 'var(--credence-ok-text)' : x < 0 ? 'red.9' : 'dimmed'} ff="monospace">
    {points(x)}
  </Text>
);

type DistrictSort = 'district' | 'changed' | 'delta';
type District = SimulationResult['districts'][number];

export function DistrictsTable({ districts }: { districts: SimulationResult['districts'] }) {
  const { t } = useTranslation('rules');
  const [sort, setSort] = useState<DistrictSort>('district');
  // Withheld districts have no figures to sort by: they go last, by name.
  const share = (d: District) => (d.changed === null ? null : d.changed / d.citizens);
  const change = (d: District) => (d.meanAfter === null || d.meanBefore === null ? null : d.meanAfter - d.meanBefore);
  const byFigure = (x: number | null, y: number | null) => (x === null || y === null ? Number(x === null) - Number(y === null) : x - y);
  const rows = [...districts].sort(
    (a, b) =>
      (sort === 'district' ? 0 : sort === 'changed' ? byFigure(share(b), share(a)) : byFigure(change(a), change(b))) || a.district.localeCompare(b.district),
  );
  const header = (key: DistrictSort, label: string, align?: 'right') => (
    <Table.Th ta={align} aria-sort={sort === key ? (key === 'district' ? 'ascending' : 'descending') : 'none'}>
      <UnstyledButton fw={600} fz="sm" onClick={() => setSort(key)}>
        {label} {sort === key ? '▼' : ''}
      </UnstyledButton>
    </Table.Th>
  );
  return (
    <Table.ScrollContainer minWidth={560} mah={420}>
      <Table striped verticalSpacing={4} fz="sm" data-testid="sim-districts" style={{ fontVariantNumeric: 'tabular-nums' }} stickyHeader>
        <Table.Thead>
          <Table.Tr>
            {header('district', t('tables.district'))}
            <Table.Th ta="right">{t('tables.citizens')}</Table.Th>
            {header('changed', t('tables.scoresChanged'), 'right')}
            <Table.Th ta="right">{t('tables.meanBefore')}</Table.Th>
            <Table.Th ta="right">{t('tables.meanAfter')}</Table.Th>
            {header('delta', t('tables.meanChange'), 'right')}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((d) => (
            <Table.Tr key={d.district} data-withheld={d.withheld || undefined}>
              <Table.Td>{d.district || t('tables.noDistrict')}</Table.Td>
              <Table.Td ta="right">{count(d.citizens)}</Table.Td>
              {d.changed === null || d.meanBefore === null || d.meanAfter === null ? (
                <Table.Td colSpan={4} ta="right" c="dimmed">
                  {t('tables.withheld')}
                </Table.Td>
              ) : (
                <>
                  <Table.Td ta="right">
                    {count(d.changed)}{' '}
                    <Text span size="xs" c="dimmed">
                      ({d.citizens ? Math.round((100 * d.changed) / d.citizens) : 0}%)
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">{score(d.meanBefore)}</Table.Td>
                  <Table.Td ta="right">{score(d.meanAfter)}</Table.Td>
                  <Table.Td ta="right">{delta(d.meanAfter - d.meanBefore)}</Table.Td>
                </>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {districts.some((d) => d.withheld) && (
        <Text size="xs" c="dimmed" mt={4} data-testid="sim-districts-withheld">
          {t('tables.withheldNote', { min: DISCLOSURE_MIN })}
        </Text>
      )}
    </Table.ScrollContainer>
  );
}

export function MoversTable({ movers, testId }: { movers: SimulationResult['topUp']; testId: string }) {
  const { t } = useTranslation('rules');
  if (movers.length === 0) return <Text size="sm" c="dimmed" data-testid={testId}>{t('tables.nobody')}</Text>;
  return (
    <Table.ScrollContainer minWidth={480}>
      <Table verticalSpacing={4} fz="sm" data-testid={testId} style={{ fontVariantNumeric: 'tabular-nums' }}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('tables.citizen')}</Table.Th>
            <Table.Th ta="right">{t('tables.before')}</Table.Th>
            <Table.Th ta="right">{t('tables.after')}</Table.Th>
            <Table.Th ta="right">{t('tables.change')}</Table.Th>
            <Table.Th>{t('tables.tier')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {movers.map((m) => (
            <Table.Tr key={m.citizenId}>
              <Table.Td>
                <Anchor component={Link} href={`/citizen/${encodeURIComponent(m.citizenId)}`} size="sm" data-testid="mover-link">
                  {m.name}
                </Anchor>
                <Text size="xs" c="dimmed">
                  {m.citizenId} · {m.district}
                </Text>
              </Table.Td>
              <Table.Td ta="right">{score(m.before)}</Table.Td>
              <Table.Td ta="right">{score(m.after)}</Table.Td>
              <Table.Td ta="right">{m.before === null ? '—' : delta(m.after - m.before)}</Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  <TierBadge tier={m.beforeTier} size="sm" />
                  {m.beforeTier !== m.afterTier && (
                    <>
                      <Text size="xs">→</Text>
                      <TierBadge tier={m.afterTier} size="sm" />
                    </>
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function EvaluationErrorsTable({ errors, ruleNames }: { errors: SimulationResult['evaluationErrors']; ruleNames: Map<string, string> }) {
  const { t } = useTranslation('rules');
  if (errors.length === 0)
    return (
      <Text size="sm" c="var(--credence-ok-text)" data-testid="sim-eval-errors">
        {t('tables.noErrors')}
      </Text>
    );
  return (
    <Table verticalSpacing={4} fz="sm" data-testid="sim-eval-errors">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('tables.rule')}</Table.Th>
          <Table.Th ta="right">{t('tables.failedEvents')}</Table.Th>
          <Table.Th>{t('tables.example')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {errors.map((e) => (
          <Table.Tr key={e.ruleId}>
            <Table.Td>
              <Text size="sm">{ruleNames.get(e.ruleId) ?? e.ruleId}</Text>
              <Text size="xs" c="dimmed" ff="monospace">
                {e.ruleId}
              </Text>
            </Table.Td>
            <Table.Td ta="right">{count(e.count)}</Table.Td>
            <Table.Td>
              <Text size="xs" c="red.9" ff="monospace">
                {e.example}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
