/** The friend penalty as named friends with their score, tier and share of it. */
import { Anchor, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { call } from '../../api';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { Output } from '../../../../shared/contract';
import { count, score } from '../../format';
import { TierBadge } from '../TierBadge';

type Explanation = NonNullable<Output<'citizen'>['explanation']>;

/** How the penalty is computed under the ruleset the score was made with: threshold, weight, cap. */
function PenaltyRule({ e }: { e: Explanation }) {
  const { t } = useTranslation('citizen');
  const { data } = useQuery({ queryKey: ['rulesetGet', e.rulesetVersion], queryFn: () => call('rulesetGet', { version: e.rulesetVersion }), staleTime: Infinity });
  if (!data) return null;
  const fp = data.friend_penalty;
  return (
    <Text size="sm" mb="xs" data-testid="friend-penalty-rule">
      <Trans
        t={t}
        i18nKey="friends.rule"
        values={{ version: e.rulesetVersion, threshold: fp.threshold, weight: fp.weight, friends: count(e.activeFriendCount), cap: fp.cap }}
        components={{ b: <b /> }}
      />
      {fp.weight === 0 ? ` ${t('friends.off')}` : ''}
    </Text>
  );
}

export function FriendPenalty({ e }: { e: Explanation }) {
  const { t } = useTranslation('citizen');
  if (e.friends.length === 0)
    return (
      <>
        <PenaltyRule e={e} />
        <Text c="dimmed">{t('friends.none')}</Text>
      </>
    );
  return (
    <>
    <PenaltyRule e={e} />
    <Table striped data-testid="friends-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('friends.friend')}</Table.Th>
          <Table.Th ta="right">{t('friends.score')}</Table.Th>
          <Table.Th>{t('friends.tier')}</Table.Th>
          <Table.Th ta="right">{t('friends.shortfall')}</Table.Th>
          <Table.Th ta="right">{t('friends.share')}</Table.Th>
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
