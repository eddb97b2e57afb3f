/** Citizens by tier before (rows) and after (columns) a simulated ruleset; the diagonal is "no tier change". */
import { Table, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { count } from '../../format';
import { TierBadge } from '../TierBadge';

/** Tier moves read off the matrix: tiers are ordered best first, so a smaller column index is a better tier. */
export function tierMoves(transitions: number[][], tiers: string[]): { up: number; down: number; newlyScored: number } {
  let up = 0;
  let down = 0;
  transitions.slice(0, tiers.length).forEach((row, i) =>
    row.forEach((n, j) => {
      if (j < i) up += n;
      if (j > i) down += n;
    }),
  );
  const newlyScored = (transitions[tiers.length] ?? []).reduce((a, b) => a + b, 0);
  return { up, down, newlyScored };
}

function cellBackground(i: number, j: number, n: number, lastRow: boolean): string | undefined {
  if (lastRow) return n > 0 ? 'var(--mantine-color-blue-0)' : undefined;
  if (i === j) return 'var(--mantine-color-gray-2)';
  if (n === 0) return undefined;
  return j < i ? 'var(--mantine-color-green-1)' : 'var(--mantine-color-red-1)';
}

export function TransitionMatrix({ tiers, transitions }: { tiers: string[]; transitions: number[][] }) {
  const { t } = useTranslation('rules');
  const colTotals = tiers.map((_, j) => transitions.reduce((s, row) => s + (row[j] ?? 0), 0));
  return (
    <Table.ScrollContainer minWidth={120 + 80 * (tiers.length + 1)}>
      <Table withTableBorder withColumnBorders ta="center" verticalSpacing={6} data-testid="sim-transitions" aria-label={t('matrix.label')} style={{ fontVariantNumeric: 'tabular-nums' }}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th ta="left">
              <Text size="xs" c="dimmed">
                {t('matrix.corner')}
              </Text>
            </Table.Th>
            {tiers.map((tier) => (
              <Table.Th key={tier} ta="center">
                <TierBadge tier={tier} size="sm" />
              </Table.Th>
            ))}
            <Table.Th ta="right">{t('matrix.total')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {transitions.map((row, i) => {
            const lastRow = i === tiers.length;
            const total = row.reduce((a, b) => a + b, 0);
            return (
              <Table.Tr key={i}>
                <Table.Th ta="left">{lastRow ? <Text size="sm">{t('matrix.notScored')}</Text> : <TierBadge tier={tiers[i]} size="sm" />}</Table.Th>
                {tiers.map((tier, j) => {
                  const n = row[j] ?? 0;
                  const label = lastRow
                    ? t('matrix.newlyScored', { n: count(n), tier })
                    : i === j
                      ? t('matrix.stay', { n: count(n), tier })
                      : t('matrix.move', { n: count(n), from: tiers[i], to: tier });
                  return (
                    <Tooltip key={tier} label={label} openDelay={300}>
                      <Table.Td ta="center" style={{ background: cellBackground(i, j, n, lastRow) }} data-testid={`transition-${i}-${j}`}>
                        <Text size="sm" c={n === 0 ? 'dimmed' : undefined} fw={i !== j && n > 0 ? 600 : undefined}>
                          {n === 0 ? '·' : count(n)}
                        </Text>
                      </Table.Td>
                    </Tooltip>
                  );
                })}
                <Table.Td ta="right">
                  <Text size="sm" c="dimmed">
                    {count(total)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            );
          })}
          <Table.Tr>
            <Table.Th ta="left">
              <Text size="sm" c="dimmed">
                {t('matrix.totalAfter')}
              </Text>
            </Table.Th>
            {colTotals.map((n, j) => (
              <Table.Td key={j} ta="center">
                <Text size="sm" c="dimmed">
                  {count(n)}
                </Text>
              </Table.Td>
            ))}
            <Table.Td ta="right">
              <Text size="sm" c="dimmed">
                {count(colTotals.reduce((a, b) => a + b, 0))}
              </Text>
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
