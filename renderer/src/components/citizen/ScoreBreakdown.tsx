/** The score taken apart: base, each rule total (expandable to its events), approved manual adjustments, own, friend penalty, final. */
import { Anchor, Badge, Box, Group, Table, Text, UnstyledButton } from '@mantine/core';
import { Fragment, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { call } from '../../api';
import type { Output } from '../../../../shared/contract';
import { count, exact, points, score, when } from '../../format';
import { useRuleText } from '../../i18n/ruleText';

type Explanation = NonNullable<Output<'citizen'>['explanation']>;
type RuleSpec = NonNullable<Output<'rulesetGet'>>['rules'][number];

/** How a rule applies its points, as published: per event, its cap, its time window; each a sentence of its own. */
function RuleTerms({ spec, total }: { spec: RuleSpec; total: number }) {
  const { t } = useTranslation('citizen');
  const cap = spec.cap;
  const capText =
    cap && cap.min !== undefined && cap.max !== undefined
      ? t('breakdown.capBoth', { min: cap.min, max: cap.max })
      : cap && cap.max !== undefined
        ? t('breakdown.capMax', { max: cap.max })
        : cap && cap.min !== undefined
          ? t('breakdown.capMin', { min: cap.min })
          : null;
  return (
    <Text size="xs" c="dimmed">
      <Trans t={t} i18nKey="breakdown.perEvent" values={{ expression: spec.points }} components={{ code: <code /> }} />
      {capText && ` ${capText}`}
      {spec.ttl_days ? ` ${t('breakdown.ttl', { count: spec.ttl_days, days: count(spec.ttl_days) })}` : ''} {t('breakdown.here', { total: points(total) })}
    </Text>
  );
}

export function ScoreBreakdown({ e }: { e: Explanation }) {
  const { t } = useTranslation('citizen');
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const toggle = (id: string) => setOpen((o) => ({ ...o, [id]: !o[id] }));
  // The rule as published in the version the score was made with: its description, and the points it actually applies.
  const { data: ruleset } = useQuery({ queryKey: ['rulesetGet', e.rulesetVersion], queryFn: () => call('rulesetGet', { version: e.rulesetVersion }), staleTime: Infinity });
  const ruleSpec = (id: string) => ruleset?.rules.find((x) => x.id === id);
  const ruleText = useRuleText();
  return (
    <Table data-testid="score-breakdown" verticalSpacing={6}>
      <Table.Tbody>
        <Table.Tr>
          <Table.Td>{t('breakdown.base')}</Table.Td>
          <Table.Td ta="right" ff="monospace" data-testid="breakdown-base">
            {score(e.base)}
          </Table.Td>
        </Table.Tr>
        {e.rules.map((r) => (
          <Fragment key={r.ruleId}>
            <Table.Tr data-testid="breakdown-rule">
              <Table.Td>
                <UnstyledButton onClick={() => toggle(r.ruleId)} aria-expanded={!!open[r.ruleId]}>
                  <Group gap="xs">
                    <Text size="sm">{open[r.ruleId] ? '▾' : '▸'}</Text>
                    <Text size="sm" fw={500}>
                      {ruleText.name({ name: r.ruleName, i18n: r.i18n })}
                    </Text>
                    <Badge size="xs" variant="light" color="gray">
                      {ruleText.dimension(r.dimension)}
                    </Badge>
                    <Text size="xs" c="dimmed">
                      {t('breakdown.events', { count: r.eventCount, events: count(r.eventCount) })}
                    </Text>
                    {r.capped && (
                      <Badge size="xs" color="orange" variant="light" title={t('breakdown.cappedTitle', { raw: points(r.raw), total: points(r.total) })}>
                        {t('breakdown.cappedFrom', { raw: points(r.raw) })}
                      </Badge>
                    )}
                  </Group>
                </UnstyledButton>
              </Table.Td>
              <Table.Td ta="right" ff="monospace" c={r.total < 0 ? 'red.9' : 'var(--credence-ok-text)'} data-testid="breakdown-rule-total">
                {points(r.total)}
              </Table.Td>
            </Table.Tr>
            {open[r.ruleId] && ruleSpec(r.ruleId) && (
              <Table.Tr bg="gray.0" data-testid="breakdown-rule-description">
                <Table.Td pl={40} colSpan={2}>
                  <Text size="xs">{ruleText.text(ruleSpec(r.ruleId)!).description}</Text>
                  <RuleTerms spec={ruleSpec(r.ruleId)!} total={r.total} />
                </Table.Td>
              </Table.Tr>
            )}
            {open[r.ruleId] && r.eventCount > r.events.length && (
              <Table.Tr bg="gray.0">
                <Table.Td pl={40} colSpan={2}>
                  <Text size="xs" c="dimmed">
                    {t('breakdown.newest', { shown: count(r.events.length), total: count(r.eventCount) })}
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
            {open[r.ruleId] &&
              [...r.events].reverse().map((ev) => (
                <Table.Tr key={ev.eventId} bg="gray.0">
                  <Table.Td pl={40}>
                    <Text size="xs" ff="monospace">
                      {ev.eventId} · {when(ev.occurredAt)}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right" ff="monospace">
                    <Text size="xs">{points(ev.points)}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
          </Fragment>
        ))}
        {e.adjustments !== 0 && (
          <Table.Tr data-testid="breakdown-adjustments-row">
            <Table.Td>
              <Text size="sm" fw={500} span>
                {t('breakdown.adjustments')}
              </Text>{' '}
              <Text span size="xs" c="dimmed">
                {t('breakdown.adjustmentsNote')}
              </Text>
            </Table.Td>
            <Table.Td ta="right" ff="monospace" c={e.adjustments < 0 ? 'red.9' : 'var(--credence-ok-text)'} data-testid="breakdown-adjustments">
              {points(e.adjustments)}
            </Table.Td>
          </Table.Tr>
        )}
        <Table.Tr style={{ borderTop: '2px solid var(--mantine-color-gray-4)' }}>
          <Table.Td fw={600}>{Math.abs(e.own - (e.base + e.rules.reduce((s, r) => s + r.total, 0) + e.adjustments)) > 1e-6 ? t('breakdown.ownClamped') : t('breakdown.own')}</Table.Td>
          <Table.Td ta="right" ff="monospace" fw={600} data-testid="breakdown-own">
            {score(e.own)}
          </Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Td>
            {t('breakdown.penalty')}{' '}
            <Text span size="xs" c="dimmed">
              {e.friendPenaltyUncapped > e.friendPenalty
                ? t('breakdown.penaltyFriendsCapped', { count: e.activeFriendCount, friends: count(e.activeFriendCount), uncapped: score(e.friendPenaltyUncapped) })
                : t('breakdown.penaltyFriends', { count: e.activeFriendCount, friends: count(e.activeFriendCount) })}
            </Text>{' '}
            <Anchor component="button" type="button" size="xs" onClick={() => document.getElementById('friends')?.scrollIntoView({ behavior: 'smooth' })}>
              {t('breakdown.byFriend')}
            </Anchor>
          </Table.Td>
          <Table.Td ta="right" ff="monospace" c={e.friendPenalty > 0 ? 'red.9' : undefined} data-testid="breakdown-penalty">
            {e.friendPenalty > 0 ? `−${exact(e.friendPenalty)}` : '0.00'}
          </Table.Td>
        </Table.Tr>
        <Table.Tr style={{ borderTop: '2px solid var(--mantine-color-gray-6)' }}>
          <Table.Td fw={700}>{t('breakdown.score')}</Table.Td>
          <Table.Td ta="right" ff="monospace" fw={700} data-testid="breakdown-score">
            {score(e.score)}
          </Table.Td>
        </Table.Tr>
      </Table.Tbody>
      <Table.Caption>
        <Box ta="left">
          <Text size="xs" c="dimmed">
            {t('breakdown.caption', { version: e.rulesetVersion, asOf: when(e.asOf) })}
          </Text>
        </Box>
      </Table.Caption>
    </Table>
  );
}
