/** The published ruleset as it scores today: parameters, tiers, every rule, and the event kinds rules may read. */
import { Anchor, Badge, Button, Card, Code, Group, SimpleGrid, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { Link } from 'wouter';
import type { RulesetVersion } from '../../../../shared/contract';
import type { EventKindSpec, RuleSpec } from '../../../../shared/domain';
import { when } from '../../format';
import { TierBadge } from '../TierBadge';
import type { Current } from './draft';
import { useRuleText } from '../../i18n/ruleText';

export function ttlText(days: number | undefined): string {
  if (!days) return 'forever';
  const years = days / 365.25;
  return years >= 1 && Math.abs(years - Math.round(years)) < 0.01 ? `${days} days (${Math.round(years)} y)` : `${days} days`;
}

export function capText(cap: RuleSpec['cap']): string {
  if (!cap || (cap.min === undefined && cap.max === undefined)) return 'none';
  return [cap.min !== undefined ? `≥ ${cap.min}` : null, cap.max !== undefined ? `≤ ${cap.max}` : null].filter(Boolean).join(', ');
}

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
  const fields = Object.entries(kind.fields);
  if (fields.length === 0) return <Text size="sm" c="dimmed">no fields</Text>;
  return (
    <Group gap={6}>
      {fields.map(([name, spec]) =>
        spec.protected ? (
          <Tooltip key={name} label="protected: rules cannot read it">
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
  const spec = current.spec;
  const ruleText = useRuleText();
  if (!spec) {
    return (
      <Stack>
        <Text>No ruleset has been published yet.{onEdit ? ' Write one in the draft editor, simulate it and publish it.' : ''}</Text>
        {onEdit && (
          <Button onClick={onEdit} w="fit-content">
            Open the draft editor
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
          <Title order={3}>Version {current.version}</Title>
          {version && (
            <Text size="sm" c="dimmed">
              Published {when(version.at)} UTC by {version.actor} (
              <Anchor component={Link} href={`/operations/${version.operationId}`} size="sm">
                operation #{version.operationId}
              </Anchor>
              ): “{version.reason}”
            </Text>
          )}
        </Stack>
        {onEdit && (
          <Button variant="light" onClick={onEdit}>
            Edit in the draft
          </Button>
        )}
      </Group>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Param label="Base score" value={String(spec.base_score)} hint="every citizen's starting point" />
        <Param label="Score range" value={`${spec.score_min} – ${spec.score_max}`} hint="every score is clamped to it" />
        <Param label="Friend penalty" value={`T ${fp.threshold} · w ${fp.weight}`} hint={`a friend below ${fp.threshold} counts against you, with weight ${fp.weight}`} />
        <Param label="Penalty cap" value={String(fp.cap)} hint="the largest friend penalty" />
      </SimpleGrid>
      <Group gap="sm">
        <Text size="sm" fw={600}>
          Tiers
        </Text>
        {spec.tiers.map((t) => (
          <Group key={t.name} gap={4}>
            <TierBadge tier={t.name} size="sm" />
            <Text size="sm" c="dimmed">
              ≥ {t.min}
            </Text>
          </Group>
        ))}
      </Group>
      <Card withBorder padding="sm">
        <Title order={4} mb="xs">
          Rules ({spec.rules.length})
        </Title>
        <Table.ScrollContainer minWidth={900}>
          <Table striped verticalSpacing="xs" data-testid="published-rules">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Rule</Table.Th>
                <Table.Th>Dimension</Table.Th>
                <Table.Th>Event kind</Table.Th>
                <Table.Th>Condition</Table.Th>
                <Table.Th>Points</Table.Th>
                <Table.Th>Counts for</Table.Th>
                <Table.Th>Cap</Table.Th>
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
                  <Table.Td>
                    <Badge variant="default" tt="none">
                      {r.dimension}
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
          Event kinds
        </Title>
        <Text size="sm" c="dimmed" mb="xs">
          The fields a rule may read as <Code>event.&lt;field&gt;</Code>. Struck-out fields are protected: no rule can read them.
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
                    {spec.rules.filter((r) => r.event_kind === k.kind).length || 'no'} rule{spec.rules.filter((r) => r.event_kind === k.kind).length === 1 ? '' : 's'}
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
