/** The score taken apart: base, each rule total (expandable to its events), approved manual adjustments, own, friend penalty, final. */
import { Anchor, Badge, Box, Group, Table, Text, UnstyledButton } from '@mantine/core';
import { Fragment, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { call } from '../../api';
import type { Output } from '../../../../shared/contract';
import { exact, points, score, when } from '../../format';
import { useRuleText } from '../../i18n/ruleText';

type Explanation = NonNullable<Output<'citizen'>['explanation']>;

export function ScoreBreakdown({ e }: { e: Explanation }) {
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
          <Table.Td>Base score</Table.Td>
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
                      {r.dimension}
                    </Badge>
                    <Text size="xs" c="dimmed">
                      {r.eventCount} event{r.eventCount === 1 ? '' : 's'}
                    </Text>
                    {r.capped && (
                      <Badge size="xs" color="orange" variant="light" title={`the rule's cap cut ${points(r.raw)} to ${points(r.total)}`}>
                        capped from {points(r.raw)}
                      </Badge>
                    )}
                  </Group>
                </UnstyledButton>
              </Table.Td>
              <Table.Td ta="right" ff="monospace" c={r.total < 0 ? 'red.7' : 'teal.7'} data-testid="breakdown-rule-total">
                {points(r.total)}
              </Table.Td>
            </Table.Tr>
            {open[r.ruleId] && ruleSpec(r.ruleId) && (
              <Table.Tr bg="gray.0" data-testid="breakdown-rule-description">
                <Table.Td pl={40} colSpan={2}>
                  <Text size="xs">{ruleText.text(ruleSpec(r.ruleId)!).description}</Text>
                  <Text size="xs" c="dimmed">
                    Points applied per event: <code>{ruleSpec(r.ruleId)!.points}</code>
                    {ruleSpec(r.ruleId)!.cap ? `, total capped ${[ruleSpec(r.ruleId)!.cap!.min !== undefined ? `at ${ruleSpec(r.ruleId)!.cap!.min} at least` : '', ruleSpec(r.ruleId)!.cap!.max !== undefined ? `at ${ruleSpec(r.ruleId)!.cap!.max} at most` : ''].filter(Boolean).join(' and ')}` : ''}
                    {ruleSpec(r.ruleId)!.ttl_days ? `, for ${ruleSpec(r.ruleId)!.ttl_days} days` : ''}; here {points(r.total)}.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
            {open[r.ruleId] && r.eventCount > r.events.length && (
              <Table.Tr bg="gray.0">
                <Table.Td pl={40} colSpan={2}>
                  <Text size="xs" c="dimmed">
                    The newest {r.events.length} of {r.eventCount} events; all of them are in the events list below.
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
                Manual adjustments
              </Text>{' '}
              <Text span size="xs" c="dimmed">
                (proposed and approved by two different users; each is an operation in the audit trail)
              </Text>
            </Table.Td>
            <Table.Td ta="right" ff="monospace" c={e.adjustments < 0 ? 'red.7' : 'teal.7'} data-testid="breakdown-adjustments">
              {points(e.adjustments)}
            </Table.Td>
          </Table.Tr>
        )}
        <Table.Tr style={{ borderTop: '2px solid var(--mantine-color-gray-4)' }}>
          <Table.Td fw={600}>Own score {Math.abs(e.own - (e.base + e.rules.reduce((s, r) => s + r.total, 0) + e.adjustments)) > 1e-6 ? '(clamped to the score range)' : ''}</Table.Td>
          <Table.Td ta="right" ff="monospace" fw={600} data-testid="breakdown-own">
            {score(e.own)}
          </Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Td>
            Friend penalty{' '}
            <Text span size="xs" c="dimmed">
              ({e.activeFriendCount} active friend{e.activeFriendCount === 1 ? '' : 's'}
              {e.friendPenaltyUncapped > e.friendPenalty ? `, capped from ${score(e.friendPenaltyUncapped)}` : ''})
            </Text>{' '}
            <Anchor component="button" type="button" size="xs" onClick={() => document.getElementById('friends')?.scrollIntoView({ behavior: 'smooth' })}>
              by friend
            </Anchor>
          </Table.Td>
          <Table.Td ta="right" ff="monospace" c={e.friendPenalty > 0 ? 'red.7' : undefined} data-testid="breakdown-penalty">
            {e.friendPenalty > 0 ? `−${exact(e.friendPenalty)}` : '0.00'}
          </Table.Td>
        </Table.Tr>
        <Table.Tr style={{ borderTop: '2px solid var(--mantine-color-gray-6)' }}>
          <Table.Td fw={700}>Score</Table.Td>
          <Table.Td ta="right" ff="monospace" fw={700} data-testid="breakdown-score">
            {score(e.score)}
          </Table.Td>
        </Table.Tr>
      </Table.Tbody>
      <Table.Caption>
        <Box ta="left">
          <Text size="xs" c="dimmed">
            Ruleset version {e.rulesetVersion}, as of {when(e.asOf)} UTC. Stored scores are rounded to the cent.
          </Text>
        </Box>
      </Table.Caption>
    </Table>
  );
}
