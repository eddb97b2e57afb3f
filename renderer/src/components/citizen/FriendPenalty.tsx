/** The friend penalty as named friends with their score, tier and share of it. */
import { Anchor, Table, Text } from '@mantine/core';
import { Link } from 'wouter';
import type { Output } from '../../../../shared/contract';
import { score } from '../../format';
import { TierBadge } from '../TierBadge';

type Explanation = NonNullable<Output<'citizen'>['explanation']>;

export function FriendPenalty({ e }: { e: Explanation }) {
  if (e.friends.length === 0) return <Text c="dimmed">No active friendships as of this score.</Text>;
  return (
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
              {f.share > 0 ? `−${f.share.toFixed(4)}` : '0'}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
