/**
 * How far a change travels through friendships, shown before it is decided
 * (issue 13, part 2): a sentence (how many other citizens' scores move and
 * the farthest distance) and the count at each distance. The same figures
 * for a simulated event and a draft ruleset (networkReach.reachThrough on
 * the server).
 */
import { Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Reach } from '../../../../shared/recourse';
import { count } from '../../format';

export function ReachSummary({ reach, subject, testId }: { reach: Reach; subject: 'event' | 'draft'; testId: string }) {
  const { t } = useTranslation('network');
  const sentence = subject === 'draft' && reach.viaSettings ? 'settings' : subject;
  return (
    <Stack gap={4} data-testid={testId}>
      <Text size="sm" data-testid={`${testId}-sentence`}>
        {reach.citizens === 0
          ? t(`reach.${sentence}.none`)
          : t(`reach.${sentence}.moves`, { count: reach.citizens, citizens: count(reach.citizens), distance: t('reach.distance', { count: reach.maxHops }) })}
      </Text>
      {reach.byHop.length > 0 && (
        <Table maw={360} withTableBorder data-testid={`${testId}-hops`}>
          <Table.Caption>{t('reach.byHop.caption')}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('reach.byHop.distance')}</Table.Th>
              <Table.Th scope="col">{t('reach.byHop.citizens')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {reach.byHop.map((h) => (
              <Table.Tr key={h.hops}>
                <Table.Th scope="row">{t('reach.distance', { count: h.hops })}</Table.Th>
                <Table.Td>{count(h.citizens)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
