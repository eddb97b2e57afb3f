/** Shows a ruleset diff: parameters and tiers, rules added, removed and changed field by field. */
import { Badge, Card, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import type { RuleSpec } from '../../../../shared/domain';
import { descriptionUnchanged, RULE_FIELDS, STALE_DESCRIPTION, type RulesetDiff, type Value } from './diff';

const CODE_FIELDS = new Set(['condition', 'points']);
const BEFORE_BG = 'var(--mantine-color-red-0)';
const AFTER_BG = 'var(--mantine-color-green-0)';

function Shown({ field, value }: { field: string; value: Value }) {
  if (value === undefined || value === null || value === '') return <Text c="dimmed" size="sm">{field.startsWith('cap') || field === 'ttl_days' ? 'none' : '—'}</Text>;
  if (CODE_FIELDS.has(field)) return <Code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', background: 'transparent' }}>{String(value)}</Code>;
  return <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>{String(value)}</Text>;
}

function ChangeTable({ rows, beforeLabel, afterLabel }: { rows: { field: string; before: Value; after: Value }[]; beforeLabel: string; afterLabel: string }) {
  return (
    <Table withTableBorder withColumnBorders layout="fixed">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={170}>Field</Table.Th>
          <Table.Th>{beforeLabel}</Table.Th>
          <Table.Th>{afterLabel}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((r) => (
          <Table.Tr key={r.field}>
            <Table.Td>
              <Text size="sm" ff="monospace">
                {r.field}
              </Text>
            </Table.Td>
            <Table.Td style={{ background: BEFORE_BG }}>
              <Shown field={r.field} value={r.before} />
            </Table.Td>
            <Table.Td style={{ background: AFTER_BG }}>
              <Shown field={r.field} value={r.after} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function WholeRule({ rule, tone }: { rule: RuleSpec; tone: 'added' | 'removed' }) {
  return (
    <Card withBorder padding="sm" style={{ borderLeft: `4px solid var(--mantine-color-${tone === 'added' ? 'green' : 'red'}-6)` }} data-testid={`diff-rule-${tone}`}>
      <Group gap="xs" mb={4}>
        <Badge color={tone === 'added' ? 'green' : 'red'} variant="light">
          {tone}
        </Badge>
        <Text fw={600}>{rule.name}</Text>
        <Text size="sm" c="dimmed" ff="monospace">
          {rule.id}
        </Text>
      </Group>
      <Table>
        <Table.Tbody>
          {RULE_FIELDS.filter(([f]) => f !== 'name').map(([field, get]) => (
            <Table.Tr key={field}>
              <Table.Td w={170}>
                <Text size="sm" ff="monospace">
                  {field}
                </Text>
              </Table.Td>
              <Table.Td>
                <Shown field={field} value={get(rule)} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

export function RulesetDiffView({ diff, beforeLabel, afterLabel, testId = 'ruleset-diff' }: { diff: RulesetDiff; beforeLabel: string; afterLabel: string; testId?: string }) {
  if (diff.size === 0) {
    return (
      <Text c="dimmed" data-testid={testId}>
        {beforeLabel} and {afterLabel} are identical: they score every citizen alike.
      </Text>
    );
  }
  const params = [
    ...diff.parameters,
    ...diff.tiers.map((t) => ({ field: `tier ${t.name} minimum`, before: t.before === undefined ? '(no such tier)' : t.before, after: t.after === undefined ? '(removed)' : t.after })),
  ];
  return (
    <Stack gap="md" data-testid={testId}>
      {(params.length > 0 || diff.tierOrderChanged) && (
        <Stack gap={6}>
          <Title order={5}>Parameters and tiers</Title>
          {params.length > 0 && <ChangeTable rows={params} beforeLabel={beforeLabel} afterLabel={afterLabel} />}
          {diff.tierOrderChanged && <Text size="sm">The order of the tiers changed.</Text>}
        </Stack>
      )}
      {diff.changed.length > 0 && (
        <Stack gap={6}>
          <Title order={5}>Rules changed ({diff.changed.length})</Title>
          {diff.changed.map((c) => (
            <Card key={c.id} withBorder padding="sm" style={{ borderLeft: '4px solid var(--mantine-color-yellow-6)' }} data-testid="diff-rule-changed">
              <Group gap="xs" mb={6}>
                <Badge color="yellow" variant="light">
                  changed
                </Badge>
                <Text fw={600}>{c.name}</Text>
                <Text size="sm" c="dimmed" ff="monospace">
                  {c.id}
                </Text>
              </Group>
              {descriptionUnchanged(c) && (
                <Text size="sm" c="orange.8" fw={500} mb={6} data-testid="diff-stale-description">
                  ⚠ {STALE_DESCRIPTION}
                </Text>
              )}
              <ChangeTable rows={c.fields} beforeLabel={beforeLabel} afterLabel={afterLabel} />
            </Card>
          ))}
        </Stack>
      )}
      {diff.added.length > 0 && (
        <Stack gap={6}>
          <Title order={5}>Rules added ({diff.added.length})</Title>
          {diff.added.map((r) => (
            <WholeRule key={r.id} rule={r} tone="added" />
          ))}
        </Stack>
      )}
      {diff.removed.length > 0 && (
        <Stack gap={6}>
          <Title order={5}>Rules removed ({diff.removed.length})</Title>
          {diff.removed.map((r) => (
            <WholeRule key={r.id} rule={r} tone="removed" />
          ))}
        </Stack>
      )}
      {diff.ruleOrderChanged && <Text size="sm">The order of the rules changed.</Text>}
    </Stack>
  );
}
