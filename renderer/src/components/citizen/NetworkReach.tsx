/**
 * Whom this citizen's score affects (issue 13, part 2): the friends whose
 * friend penalty this citizen's shortfall makes up, with the points each
 * loses because of them (the reverse of the attribution on the friends'
 * own records), and how far each pending change would travel through
 * friendships before it is decided.
 */
import { Anchor, Card, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { call, purposeFor } from '../../api';
import { exact, score } from '../../format';
import { ErrorNote } from '../ErrorNote';
import { TierBadge } from '../TierBadge';
import { useOutlook } from './OutlookCard';

function PenalisedFriends({ citizenId }: { citizenId: string }) {
  const { t } = useTranslation('network');
  const { data, error, isLoading } = useQuery({ queryKey: ['networkView', citizenId], queryFn: () => call('networkView', { citizenId, purpose: purposeFor(citizenId) }) });
  if (isLoading) return <Loader size="sm" aria-label={t('loading')} />;
  if (error || !data) return <ErrorNote error={error} />;
  if (data.shortfall <= 0) return <Text size="sm" data-testid="network-none">{t('aboveThreshold', { threshold: score(data.threshold) })}</Text>;
  if (data.friends.length === 0) return <Text size="sm" data-testid="network-none">{t('noFriends', { shortfall: exact(data.shortfall), threshold: score(data.threshold) })}</Text>;
  return (
    <Stack gap="xs">
      <Text size="sm" data-testid="network-total">
        {t('summary', { count: data.friends.length, total: exact(data.total), shortfall: exact(data.shortfall), threshold: score(data.threshold) })}
      </Text>
      <Table striped data-testid="network-friends">
        <Table.Caption>{t('table.caption')}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('table.friend')}</Table.Th>
            <Table.Th scope="col" ta="right">{t('table.score')}</Table.Th>
            <Table.Th scope="col">{t('table.tier')}</Table.Th>
            <Table.Th scope="col" ta="right">{t('table.penalty')}</Table.Th>
            <Table.Th scope="col" ta="right">{t('table.lost')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {data.friends.map((f) => (
            <Table.Tr key={f.citizenId} data-testid="network-friend-row">
              <Table.Td>
                <Anchor component={Link} href={`/citizen/${encodeURIComponent(f.citizenId)}`}>
                  {f.name}
                </Anchor>{' '}
                <Text span size="xs" c="dimmed" ff="monospace">
                  {f.citizenId}
                </Text>
              </Table.Td>
              <Table.Td ta="right" ff="monospace">{score(f.score)}</Table.Td>
              <Table.Td>
                <TierBadge tier={f.tier} size="sm" />
              </Table.Td>
              <Table.Td ta="right" ff="monospace">{exact(f.penalty)}</Table.Td>
              <Table.Td ta="right" ff="monospace" fw={600}>
                {exact(f.lost)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
        <Table.Tfoot>
          <Table.Tr>
            <Table.Th scope="row" colSpan={4}>
              {t('table.total')}
            </Table.Th>
            <Table.Td ta="right" ff="monospace" fw={700}>
              {exact(data.total)}
            </Table.Td>
          </Table.Tr>
        </Table.Tfoot>
      </Table>
    </Stack>
  );
}

/** Before a pending dispute is decided: how many citizens' scores it would move through friendships, and how far. */
function PendingReach({ citizenId }: { citizenId: string }) {
  const { t } = useTranslation('network');
  const { data } = useOutlook(citizenId);
  if (!data) return null;
  if (data.disputes.length === 0) return <Text size="sm" c="dimmed">{t('reach.none')}</Text>;
  return (
    <Stack gap={4} data-testid="network-reach">
      {data.disputes.map((d) => (
        <Text size="sm" key={d.disputeId}>
          {d.noChange || d.reach.citizens === 0
            ? t('reach.dispute.still', { id: d.disputeId, eventId: d.eventId })
            : t('reach.dispute.moves', {
                id: d.disputeId,
                eventId: d.eventId,
                count: d.reach.citizens,
                distance: t('reach.distance', { count: d.reach.maxHops }),
                byHop: d.reach.byHop.map((h) => t('reach.hop', { citizens: h.citizens, distance: t('reach.distance', { count: h.hops }) })).join(t('reach.separator')),
              })}
        </Text>
      ))}
    </Stack>
  );
}

export function NetworkReach({ citizenId }: { citizenId: string }) {
  const { t } = useTranslation('network');
  return (
    <Card withBorder id="network" data-testid="network-card">
      <Title order={4} mb="xs">
        {t('title')}
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        {t('intro')}
      </Text>
      <PenalisedFriends citizenId={citizenId} />
      <Title order={5} mt="sm" mb={4}>
        {t('reach.title')}
      </Title>
      <PendingReach citizenId={citizenId} />
    </Card>
  );
}
