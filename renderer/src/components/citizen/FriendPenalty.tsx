/** The friend penalty as named friends with their score, tier and share of it. */
import { Anchor, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { call } from '../../api';
import { Link } from 'wouter';
import type { Output } from '../../../../shared/contract';
import { score } from '../../format';
import { TierBadge } from '../TierBadge';

type Explanation = NonNullable<Output<'citizen'>['explanation']>;

/** How the penalty is computed under the ruleset the score was made with: threshold, weight, cap. */
function PenaltyRule({ e }: { e: Explanation }) {
  const { data } = useQuery({ queryKey: ['rulesetGet', e.rulesetVersion], queryFn: () => call('rulesetGet', { version: e.rulesetVersion }), staleTime: Infinity });
  if (!data) return null;
  const fp = data.friend_penalty;
  return (
    <Text size="sm" mb="xs" data-testid="friend-penalty-rule">
      Under ruleset v{e.rulesetVersion}: each friend scoring below the threshold of <b>{fp.threshold}</b> adds their shortfall; the sum is multiplied by the weight{' '}
      <b>{fp.weight}</b>, divided by the number of friends ({e.activeFriendCount}), and capped at <b>{fp.cap}</b> points.
      {fp.weight === 0 ? ' The weight is 0: the friend penalty is switched off.' : ''}
    </Text>
  );
}

export function FriendPenalty({ e }: { e: Explanation }) {
  if (e.friends.length === 0)
    return (
      <>
        <PenaltyRule e={e} />
        <Text c="dimmed">No active friendships at the scoring date.</Text>
      </>
    );
  return (
    <>
    <PenaltyRule e={e} />
    <Table striped data-testid="friends-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Friend</Table.Th>
          <Table.Th ta="right">Score</Table.Th>
          <Table.Th>Tier</Table.Th>
          <Table.Th ta="right">Shortfall</Table.Th>
          <Table.Th ta="right">Share of penalty</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {e.friends.map((f) => (
          <Table.Tr key={f.citizenId} data-testid="friend-row">
            <Table.Td>
              <Anchor component={Link} href={`/citizen/${encodeURIComponent(f.citizenId)}`}>
                {f.name}
              </Anchor>{' '}
              <Text span size="xs" c="dimmed" ff="monospace">
                {f.citizenId}
              </Text>
            </Table.Td>
            <Table.Td ta="right" ff="monospace">
              {score(f.score)}
            </Table.Td>
            <Table.Td>
              <TierBadge tier={f.tier} size="sm" />
            </Table.Td>
            <Table.Td ta="right" ff="monospace">
              {f.shortfall > 0 ? score(f.shortfall) : '—'}
            </Table.Td>
            <Table.Td ta="right" ff="monospace" c={f.share > 0 ? 'red.7' : 'dimmed'} data-testid="friend-share">
              {f.share > 0 ? `−${f.share.toFixed(2)}` : '0.00'}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
    </>
  );
}
