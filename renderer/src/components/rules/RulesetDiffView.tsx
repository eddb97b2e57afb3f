/** Shows a ruleset diff: parameters and tiers, rules added, removed and changed field by field. */
import { Badge, Card, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { RuleSpec } from '../../../../shared/domain';
import { useRuleText } from '../../i18n/ruleText';
import { descriptionUnchanged, RULE_FIELDS, staleDescription, type RulesetDiff, type Value } from './diff';
import { ruleFieldLabel } from './draft';

const CODE_FIELDS = new Set(['condition', 'points']);
const BEFORE_BG = 'var(--mantine-color-red-0)';
const AFTER_BG = 'var(--mantine-color-green-0)';

function Shown({ field, value }: { field: string; value: Value }) {
  const { t } = useTranslation('rules');
  if (value === undefined || value === null || value === '') return <Text c="dimmed" size="sm">{field.startsWith('cap') || field === 'ttl_days' ? t('diff.none') : '—'}</Text>;
  if (CODE_FIELDS.has(field)) return <Code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', background: 'transparent' }}>{String(value)}</Code>;
  return <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>{String(value)}</Text>;
}

/** A field in the reader's language, with the ruleset's own name beneath when the two differ (auditors match it against the JSON). */
function FieldName({ field }: { field: string }) {
  const label = ruleFieldLabel(field);
  return (
    <>
      <Text size="sm" ff={label === field ? 'monospace' : undefined}>
        {label}
      </Text>
      {label !== field && (
        <Text size="xs" c="dimmed" ff="monospace">
          {field}
        </Text>
      )}
    </>
  );
}

function ChangeTable({ rows, beforeLabel, afterLabel }: { rows: { field: string; before: Value; after: Value }[]; beforeLabel: string; afterLabel: string }) {
  const { t } = useTranslation('rules');
  return (
    <Table withTableBorder withColumnBorders layout="fixed">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={170}>{t('diff.field')}</Table.Th>
          <Table.Th>{beforeLabel}</Table.Th>
          <Table.Th>{afterLabel}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((r) => (
          <Table.Tr key={r.field}>
            <Table.Td>
              <FieldName field={r.field} />
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
  const { t } = useTranslation('rules');
  const ruleText = useRuleText();
  return (
    <Card withBorder padding="sm" style={{ borderLeft: `4px solid var(--mantine-color-${tone === 'added' ? 'green' : 'red'}-6)` }} data-testid={`diff-rule-${tone}`}>
      <Group gap="xs" mb={4}>
        <Badge color={tone === 'added' ? 'green' : 'red'} variant="light">
          {tone === 'added' ? t('diff.tone.added') : t('diff.tone.removed')}
        </Badge>
        <Text fw={600}>{ruleText.name(rule)}</Text>
        <Text size="sm" c="dimmed" ff="monospace">
          {rule.id}
        </Text>
      </Group>
      <Table>
        <Table.Tbody>
          {RULE_FIELDS.filter(([f]) => f !== 'name').map(([field, get]) => (
            <Table.Tr key={field}>
              <Table.Td w={170}>
                <FieldName field={field} />
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
  const { t } = useTranslation('rules');
  const ruleText = useRuleText();
  if (diff.size === 0) {
    return (
      <Text c="dimmed" data-testid={testId}>
        {t('diff.identical', { before: beforeLabel, after: afterLabel })}
      </Text>
    );
  }
  const params = [
    ...diff.parameters,
    ...diff.tiers.map((tier) => ({
      field: t('diff.tierMinimum', { name: tier.name }),
      before: tier.before === undefined ? t('diff.noSuchTier') : tier.before,
      after: tier.after === undefined ? t('diff.removedValue') : tier.after,
    })),
  ];
  return (
    <Stack gap="md" data-testid={testId}>
      {(params.length > 0 || diff.tierOrderChanged) && (
        <Stack gap={6}>
          <Title order={5}>{t('diff.parametersAndTiers')}</Title>
          {params.length > 0 && <ChangeTable rows={params} beforeLabel={beforeLabel} afterLabel={afterLabel} />}
          {diff.tierOrderChanged && <Text size="sm">{t('diff.tierOrder')}</Text>}
        </Stack>
      )}
      {diff.changed.length > 0 && (
        <Stack gap={6}>
          <Title order={5}>{t('diff.rulesChangedTitle', { n: diff.changed.length })}</Title>
          {diff.changed.map((c) => (
            <Card key={c.id} withBorder padding="sm" style={{ borderLeft: '4px solid var(--mantine-color-yellow-6)' }} data-testid="diff-rule-changed">
              <Group gap="xs" mb={6}>
                <Badge color="yellow" variant="light">
                  {t('diff.tone.changed')}
                </Badge>
                <Text fw={600}>{ruleText.name(c)}</Text>
                <Text size="sm" c="dimmed" ff="monospace">
                  {c.id}
                </Text>
              </Group>
              {descriptionUnchanged(c) && (
                <Text size="sm" c="var(--credence-warning-text)" fw={500} mb={6} data-testid="diff-stale-description">
                  ⚠ {staleDescription()}
                </Text>
              )}
              <ChangeTable rows={c.fields} beforeLabel={beforeLabel} afterLabel={afterLabel} />
            </Card>
          ))}
        </Stack>
      )}
      {diff.added.length > 0 && (
        <Stack gap={6}>
          <Title order={5}>{t('diff.rulesAddedTitle', { n: diff.added.length })}</Title>
          {diff.added.map((r) => (
            <WholeRule key={r.id} rule={r} tone="added" />
          ))}
        </Stack>
      )}
      {diff.removed.length > 0 && (
        <Stack gap={6}>
          <Title order={5}>{t('diff.rulesRemovedTitle', { n: diff.removed.length })}</Title>
          {diff.removed.map((r) => (
            <WholeRule key={r.id} rule={r} tone="removed" />
          ))}
        </Stack>
      )}
      {diff.ruleOrderChanged && <Text size="sm">{t('diff.ruleOrderChanged')}</Text>}
    </Stack>
  );
}
