/** Edits one rule of the draft: its fields, its CEL condition and points, ttl and cap. */
import { Alert, Autocomplete, Badge, Button, Card, Group, NumberInput, Select, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useRef, useState } from 'react';
import type { EventKindSpec, RuleSpec } from '../../../../shared/domain';
import { ruleField, type Problem } from './draft';
import { ExpressionField } from './ExpressionField';
import { FieldChips } from './FieldChips';
import { STALE_DESCRIPTION } from './diff';

interface Props {
  rule: RuleSpec;
  kinds: EventKindSpec[];
  dimensions: string[];
  problems: Problem[];
  /** 'new' when the published ruleset has no rule with this id, 'changed' when it differs. */
  status: 'new' | 'changed' | 'same';
  onChange: (rule: RuleSpec) => void;
  onRemove: () => void;
  onDuplicate: () => void;
  /** The published rule with the same id, to flag a description left behind by a change of points or condition. */
  published?: RuleSpec;
}

const numberOrUndefined = (v: number | string): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function RuleEditor({ rule, kinds, dimensions, problems, status, onChange, onRemove, onDuplicate, published }: Props) {
  const staleDescription =
    !!published && (published.points.trim() !== rule.points.trim() || published.condition.trim() !== rule.condition.trim()) && published.description.trim() === rule.description.trim();
  const conditionRef = useRef<HTMLTextAreaElement>(null);
  const pointsRef = useRef<HTMLTextAreaElement>(null);
  const [target, setTarget] = useState<'condition' | 'points'>('condition');
  const patch = (p: Partial<RuleSpec>) => onChange({ ...rule, ...p });
  const kind = kinds.find((k) => k.kind === rule.event_kind);

  // Problems the live expression check does not already show, placed under their field.
  const fieldError = (...fields: string[]) => {
    const messages = problems.filter((p) => fields.includes(ruleField(p))).map((p) => p.message);
    return messages.length ? messages.join('; ') : undefined;
  };
  const ruleLevel = problems.filter((p) => ruleField(p) === '');

  const insert = (text: string) => {
    const el = (target === 'condition' ? conditionRef : pointsRef).current;
    const old = rule[target];
    const start = el?.selectionStart ?? old.length;
    const end = el?.selectionEnd ?? old.length;
    patch({ [target]: old.slice(0, start) + text + old.slice(end) });
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + text.length, start + text.length);
    });
  };

  const setCap = (side: 'min' | 'max', v: number | string) => {
    const cap = { ...rule.cap, [side]: numberOrUndefined(v) };
    patch({ cap: cap.min === undefined && cap.max === undefined ? undefined : cap });
  };

  return (
    <Card withBorder padding="md" data-testid="rule-editor">
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Group gap="xs">
            <Title order={4}>{rule.name || 'Unnamed rule'}</Title>
            {status === 'new' && (
              <Badge color="green" variant="light">
                new
              </Badge>
            )}
            {status === 'changed' && (
              <Badge color="yellow" variant="light">
                changed
              </Badge>
            )}
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Button size="xs" variant="default" onClick={onDuplicate} data-testid="duplicate-rule">
              Duplicate
            </Button>
            <Button size="xs" variant="light" color="red" onClick={onRemove} data-testid="remove-rule">
              Remove rule
            </Button>
          </Group>
        </Group>
        {ruleLevel.map((p, i) => (
          <Alert key={i} color="red" p="xs">
            {p.message}
          </Alert>
        ))}
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm" verticalSpacing="xs">
          <TextInput
            label="Rule id"
            description="A-Z a-z 0-9 _ . - ; used in reason codes"
            value={rule.id}
            onChange={(e) => patch({ id: e.currentTarget.value })}
            error={fieldError('id')}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            data-testid="rule-id"
          />
          <TextInput label="Name" description="What citizens and auditors read" value={rule.name} onChange={(e) => patch({ name: e.currentTarget.value })} error={fieldError('name')} data-testid="rule-name" />
          <Autocomplete
            label="Dimension"
            description="A free label: financial, civic, legal…"
            data={dimensions}
            value={rule.dimension}
            onChange={(v) => patch({ dimension: v })}
            error={fieldError('dimension')}
            data-testid="rule-dimension"
          />
          <Select
            label="Event kind"
            description="The events this rule scores"
            data={kinds.map((k) => k.kind)}
            value={kind ? rule.event_kind : null}
            placeholder={rule.event_kind || 'choose a kind'}
            onChange={(v) => v && patch({ event_kind: v })}
            allowDeselect={false}
            searchable
            error={fieldError('event_kind')}
            data-testid="rule-event-kind"
          />
        </SimpleGrid>
        <Textarea
          label="Description"
          description="Why the rule exists and what it does; shown in explanations"
          value={rule.description}
          onChange={(e) => patch({ description: e.currentTarget.value })}
          autosize
          minRows={1}
          maxRows={4}
          error={fieldError('description')}
          data-testid="rule-description"
        />
        {staleDescription && (
          <Alert color="orange" p="xs" data-testid="rule-stale-description">
            {STALE_DESCRIPTION}
          </Alert>
        )}
        <FieldChips kind={kind} target={target} onInsert={insert} />
        <ExpressionField
          label="Condition"
          description="A CEL expression returning bool over event; the rule applies to an event only when it is true"
          value={rule.condition}
          onChange={(condition) => patch({ condition })}
          eventKind={kind ? rule.event_kind : ''}
          expect="bool"
          testId="rule-condition"
          inputRef={conditionRef}
          onFocus={() => setTarget('condition')}
        />
        <ExpressionField
          label="Points"
          description="A CEL expression returning a number (a literal such as -20 in the simple case); negative lowers the score"
          value={rule.points}
          onChange={(points) => patch({ points })}
          eventKind={kind ? rule.event_kind : ''}
          expect="number"
          testId="rule-points"
          inputRef={pointsRef}
          onFocus={() => setTarget('points')}
        />
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="sm">
          <NumberInput
            label="Counts for (days)"
            description="Empty: the event counts forever"
            value={rule.ttl_days ?? ''}
            onChange={(v) => patch({ ttl_days: numberOrUndefined(v) })}
            min={1}
            allowDecimal={false}
            allowNegative={false}
            error={fieldError('ttl_days')}
            data-testid="rule-ttl"
          />
          <NumberInput
            label="Cap: lowest total"
            description="≤ 0; empty: no lower limit"
            value={rule.cap?.min ?? ''}
            onChange={(v) => setCap('min', v)}
            error={fieldError('cap', 'cap.min')}
            data-testid="rule-cap-min"
          />
          <NumberInput
            label="Cap: highest total"
            description="≥ 0; empty: no upper limit"
            value={rule.cap?.max ?? ''}
            onChange={(v) => setCap('max', v)}
            error={fieldError('cap.max') ?? !!fieldError('cap')}
            data-testid="rule-cap-max"
          />
        </SimpleGrid>
        {!kind && rule.event_kind && (
          <Text size="sm" c="red">
            The event kind “{rule.event_kind}” is not registered in this database.
          </Text>
        )}
      </Stack>
    </Card>
  );
}
