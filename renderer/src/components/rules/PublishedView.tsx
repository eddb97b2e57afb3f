/** The published ruleset as it scores today: parameters, tiers, every rule, and the event kinds rules may read. */
import { Anchor, Badge, Button, Card, Code, Group, SimpleGrid, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { RulesetVersion } from '../../../../shared/contract';
import type { EventKindSpec, RuleSpec } from '../../../../shared/domain';
import { when } from '../../format';
import i18next from '../../i18n';
import { seriesList } from '../../lists';
import { TierBadge } from '../TierBadge';
import type { Current } from './draft';
import { useRuleText } from '../../i18n/ruleText';

const t = i18next.t.bind(i18next);

export function ttlText(days: number | undefined): string {
  if (!days) return t('rules:published.forever');
  const years = days / 365.25;
  return years >= 1 && Math.abs(years - Math.round(years)) < 0.01 ? t('rules:published.daysYears', { count: days, years: Math.round(years) }) : t('rules:published.days', { count: days });
}

export function capText(cap: RuleSpec['cap']): string {
  if (!cap || (cap.min === undefined && cap.max === undefined)) return t('rules:published.capNone');
  return seriesList([cap.min !== undefined ? t('rules:published.capMin', { min: cap.min }) : null, cap.max !== undefined ? t('rules:published.capMax', { max: cap.max }) : null].filter((x): x is string => x !== null));
}

const ruleCount = (n: number): string => (n === 0 ? t('rules:published.noRules') : t('rules:published.ruleCount', { count: n }));

function Param({ label, value, hint }: { label: string; value: string; hint: string }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="lg" fw={700}>
        {value}
      </Text>
      <Text size="xs" c="dimmed">
        {hint}
      </Text>
    </Card>
  );
}

export function KindFields({ kind }: { kind: EventKindSpec }) {
  const { t } = useTranslation('rules');
  const fields = Object.entries(kind.fields);
  if (fields.length === 0) return <Text size="sm" c="dimmed">{t('fields.noFields')}</Text>;
  return (
    <Group gap={6}>
      {fields.map(([name, spec]) =>
        spec.protected ? (
          <Tooltip key={name} label={t('fields.protected')}>
            <Badge variant="outline" color="gray" td="line-through" tt="none">
              {name}: {spec.type}
            </Badge>
          </Tooltip>
        ) : (
          <Badge key={name} variant="light" tt="none">
            {name}: {spec.type}
          </Badge>
        ),
      )}
    </Group>
  );
}

/** `onEdit` absent: a reader who may not draft rulesets (a viewer) sees the ruleset without the editing buttons. */
export function PublishedView({ current, version, onEdit }: { current: Current; version: RulesetVersion | undefined; onEdit?: () => void }) {
  const { t } = useTranslation('rules');
  const spec = current.spec;
  const ruleText = useRuleText();
  if (!spec) {
    return (
      <Stack>
        <Text>{onEdit ? t('published.noneEdit') : t('published.none')}</Text>
        {onEdit && (
          <Button onClick={onEdit} w="fit-content">
            {t('published.openEditor')}
          </Button>
        )}
      </Stack>
    );
  }
  const fp = spec.friend_penalty;
  return (
    <Stack data-testid="published-ruleset">
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Title order={3}>{t('published.version', { version: current.version })}</Title>
          {version && (
            <Text size="sm" c="dimmed">
              <Trans
                i18nKey="rules:published.publishedBy"
                values={{ when: when(version.at), by: version.actor, op: version.operationId, reason: version.reason }}
                components={{ lnk: <Anchor component={Link} href={`/operations/${version.operationId}`} size="sm" /> }}
              />
            </Text>
          )}
        </Stack>
        {onEdit && (
          <Button variant="light" onClick={onEdit}>
            {t('published.edit')}
          </Button>
        )}
      </Group>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Param label={t('published.baseScore')} value={String(spec.base_score)} hint={t('published.baseScoreHint')} />
        <Param label={t('published.range')} value={`${spec.score_min} – ${spec.score_max}`} hint={t('published.rangeHint')} />
        <Param label={t('published.friendPenalty')} value={t('published.friendPenaltyValue', { threshold: fp.threshold, weight: fp.weight })} hint={t('published.friendPenaltyHint', { threshold: fp.threshold, weight: fp.weight })} />
        <Param label={t('published.cap')} value={String(fp.cap)} hint={t('published.capHint')} />
      </SimpleGrid>
      <Group gap="sm">
        <Text size="sm" fw={600}>
          {t('published.tiers')}
        </Text>
        {spec.tiers.map((tier) => (
          <Group key={tier.name} gap={4}>
            <TierBadge tier={tier.name} size="sm" />
            <Text size="sm" c="dimmed">
              ≥ {tier.min}
            </Text>
          </Group>
        ))}
      </Group>
      <Card withBorder padding="sm">
        <Title order={4} mb="xs">
          {t('published.rules', { n: spec.rules.length })}
        </Title>
        <Table.ScrollContainer minWidth={900}>
          <Table striped verticalSpacing="xs" data-testid="published-rules">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('published.rule')}</Table.Th>
                <Table.Th>{t('published.dimension')}</Table.Th>
                <Table.Th>{t('published.eventKind')}</Table.Th>
                <Table.Th>{t('published.condition')}</Table.Th>
                <Table.Th>{t('published.points')}</Table.Th>
                <Table.Th>{t('published.countsFor')}</Table.Th>
                <Table.Th>{t('published.capColumn')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {spec.rules.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td maw={300}>
                    <Text size="sm" fw={600}>
                      {ruleText.name(r)}
                    </Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {r.id}
                    </Text>
                    <Text size="xs">{ruleText.text(r).description}</Text>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {/* The whole label, never cut to "fina…": the column is as wide as its longest dimension. */}
                    <Badge variant="default" tt="none" styles={{ root: { overflow: 'visible' }, label: { overflow: 'visible' } }} title={r.dimension}>
                      {ruleText.dimension(r.dimension)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {r.event_kind}
                    </Text>
                  </Table.Td>
                  <Table.Td maw={260}>
                    <Code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{r.condition}</Code>
                  </Table.Td>
                  <Table.Td maw={260}>
                    <Code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{r.points}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{ttlText(r.ttl_days)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{capText(r.cap)}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
      <Card withBorder padding="sm">
        <Title order={4} mb={4}>
          {t('published.kinds')}
        </Title>
        <Text size="sm" c="dimmed" mb="xs">
          <Trans i18nKey="rules:published.kindsIntro" values={{ expression: 'event.<field>' }} components={{ code: <Code /> }} />
        </Text>
        <Table verticalSpacing={6}>
          <Table.Tbody>
            {current.kinds.map((k) => (
              <Table.Tr key={k.kind}>
                <Table.Td w={220}>
                  <Text size="sm" ff="monospace">
                    {k.kind}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <KindFields kind={k} />
                </Table.Td>
                <Table.Td w={160}>
                  <Text size="xs" c="dimmed">
                    {ruleCount(spec.rules.filter((r) => r.event_kind === k.kind).length)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  );
}
