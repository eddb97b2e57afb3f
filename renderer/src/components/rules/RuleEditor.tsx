/** Edits one rule of the draft: its fields, its CEL condition and points, ttl and cap. */
import { Alert, Autocomplete, Badge, Button, Card, Group, NumberInput, Select, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { EventKindSpec, RuleSpec } from '../../../../shared/domain';
import { ruleField, type Problem } from './draft';
import { ExpressionField } from './ExpressionField';
import { FieldChips } from './FieldChips';
import { staleDescription } from './diff';
import { keyedMessage } from '../../i18n/serverText';
import { useRuleText } from '../../i18n/ruleText';

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

type Patch = (p: Partial<RuleSpec>) => void;
/** The messages of the problems on these fields, joined, for a field's error. */
type FieldError = (...fields: string[]) => string | undefined;
type Target = 'condition' | 'points';

const numberOrUndefined = (v: number | string): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Points or condition changed while the description stayed: it may no longer say what the rule does. */
function descriptionLeftBehind(rule: RuleSpec, published: RuleSpec | undefined): boolean {
  if (!published) return false;
  const logicChanged = published.points.trim() !== rule.points.trim() || published.condition.trim() !== rule.condition.trim();
  return logicChanged && published.description.trim() === rule.description.trim();
}

/** Inserting a field chip's text at the caret of the expression last focused. */
function useExpressionInsert(rule: RuleSpec, patch: Patch) {
  const conditionRef = useRef<HTMLTextAreaElement>(null);
  const pointsRef = useRef<HTMLTextAreaElement>(null);
  const [target, setTarget] = useState<Target>('condition');
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
  return { conditionRef, pointsRef, target, setTarget, insert };
}

function RuleHeading({ rule, status, onRemove, onDuplicate }: Pick<Props, 'rule' | 'status' | 'onRemove' | 'onDuplicate'>) {
  const { t } = useTranslation('rules');
  const ruleText = useRuleText();
  return (
    <Group justify="space-between" wrap="nowrap" align="flex-start">
      <Group gap="xs">
        <Title order={4}>{(rule.name && ruleText.name(rule)) || t('editor.unnamed')}</Title>
        {status === 'new' && (
          <Badge color="green" variant="light">
            {t('editor.status.new')}
          </Badge>
        )}
        {status === 'changed' && (
          <Badge color="yellow" variant="light">
            {t('editor.status.changed')}
          </Badge>
        )}
      </Group>
      <Group gap="xs" wrap="nowrap">
        <Button size="xs" variant="default" onClick={onDuplicate} data-testid="duplicate-rule">
          {t('rule.duplicate')}
        </Button>
        <Button size="xs" variant="light" color="red" onClick={onRemove} data-testid="remove-rule">
          {t('rule.remove')}
        </Button>
      </Group>
    </Group>
  );
}

/** Id, name, dimension and event kind. */
/**
 * The rule's name and description for readers of Chinese (the ruleset's
 * `i18n["zh-CN"]`); left empty, they read the ruleset's own words. A
 * description without a name is refused by the ruleset check, at its field.
 */
function RuleTranslation({ rule, patch, fieldError }: { rule: RuleSpec; patch: Patch; fieldError: FieldError }) {
  const { t } = useTranslation('rules');
  const zh = rule.i18n?.['zh-CN'];
  const set = (next: { name?: string; description?: string }) => {
    const merged = { name: zh?.name ?? '', description: zh?.description ?? '', ...next };
    const translation = merged.name || merged.description ? { name: merged.name, ...(merged.description ? { description: merged.description } : {}) } : undefined;
    const others = Object.fromEntries(Object.entries(rule.i18n ?? {}).filter(([language]) => language !== 'zh-CN'));
    const i18n = translation ? { ...others, 'zh-CN': translation } : others;
    patch({ i18n: Object.keys(i18n).length ? i18n : undefined });
  };
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm" verticalSpacing="xs">
      <TextInput label={t('rule.nameZh')} description={t('rule.nameZhHelp')} value={zh?.name ?? ''} onChange={(e) => set({ name: e.currentTarget.value })} error={fieldError('i18n.zh-CN.name', 'i18n.zh-CN', 'i18n')} lang="zh-CN" data-testid="rule-name-zh" />
      <Textarea
        label={t('rule.descriptionZh')}
        value={zh?.description ?? ''}
        onChange={(e) => set({ description: e.currentTarget.value })}
        autosize
        minRows={1}
        maxRows={4}
        error={fieldError('i18n.zh-CN.description')}
        lang="zh-CN"
        data-testid="rule-description-zh"
      />
    </SimpleGrid>
  );
}

function RuleIdentity({ rule, kinds, dimensions, kindKnown, patch, fieldError }: { rule: RuleSpec; kinds: EventKindSpec[]; dimensions: string[]; kindKnown: boolean; patch: Patch; fieldError: FieldError }) {
  const { t } = useTranslation('rules');
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm" verticalSpacing="xs">
      <TextInput
        label={t('rule.id')}
        description={t('rule.idHelp')}
        value={rule.id}
        onChange={(e) => patch({ id: e.currentTarget.value })}
        error={fieldError('id')}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        data-testid="rule-id"
      />
      <TextInput label={t('rule.name')} description={t('rule.nameHelp')} value={rule.name} onChange={(e) => patch({ name: e.currentTarget.value })} error={fieldError('name')} data-testid="rule-name" />
      <Autocomplete
        label={t('rule.dimension')}
        description={t('rule.dimensionHelp')}
        data={dimensions}
        value={rule.dimension}
        onChange={(v) => patch({ dimension: v })}
        error={fieldError('dimension')}
        data-testid="rule-dimension"
      />
      <Select
        label={t('rule.eventKind')}
        description={t('rule.eventKindHelp')}
        data={kinds.map((k) => k.kind)}
        value={kindKnown ? rule.event_kind : null}
        placeholder={rule.event_kind || t('rule.chooseKind')}
        onChange={(v) => v && patch({ event_kind: v })}
        allowDeselect={false}
        searchable
        error={fieldError('event_kind')}
        data-testid="rule-event-kind"
      />
    </SimpleGrid>
  );
}

interface ExpressionsProps {
  rule: RuleSpec;
  eventKind: string;
  patch: Patch;
  conditionRef: RefObject<HTMLTextAreaElement | null>;
  pointsRef: RefObject<HTMLTextAreaElement | null>;
  onTarget: (target: Target) => void;
}

/** The condition and the points, each checked live by the server. */
function RuleExpressions({ rule, eventKind, patch, conditionRef, pointsRef, onTarget }: ExpressionsProps) {
  const { t } = useTranslation('rules');
  return (
    <>
      <ExpressionField
        label={t('rule.condition')}
        description={t('rule.conditionHelp')}
        value={rule.condition}
        onChange={(condition) => patch({ condition })}
        eventKind={eventKind}
        expect="bool"
        testId="rule-condition"
        inputRef={conditionRef}
        onFocus={() => onTarget('condition')}
      />
      <ExpressionField
        label={t('rule.points')}
        description={t('rule.pointsHelp')}
        value={rule.points}
        onChange={(points) => patch({ points })}
        eventKind={eventKind}
        expect="number"
        testId="rule-points"
        inputRef={pointsRef}
        onFocus={() => onTarget('points')}
      />
    </>
  );
}

/** How long an event counts, and the cap on the rule's total. */
function RuleLimits({ rule, patch, fieldError }: { rule: RuleSpec; patch: Patch; fieldError: FieldError }) {
  const { t } = useTranslation('rules');
  const setCap = (side: 'min' | 'max', v: number | string) => {
    const cap = { ...rule.cap, [side]: numberOrUndefined(v) };
    patch({ cap: cap.min === undefined && cap.max === undefined ? undefined : cap });
  };
  return (
    <SimpleGrid cols={{ base: 1, md: 3 }} spacing="sm">
      <NumberInput
        label={t('rule.ttl')}
        description={t('rule.ttlHelp')}
        value={rule.ttl_days ?? ''}
        onChange={(v) => patch({ ttl_days: numberOrUndefined(v) })}
        min={1}
        allowDecimal={false}
        allowNegative={false}
        error={fieldError('ttl_days')}
        data-testid="rule-ttl"
      />
      <NumberInput label={t('rule.capMin')} description={t('rule.capMinHelp')} value={rule.cap?.min ?? ''} onChange={(v) => setCap('min', v)} error={fieldError('cap', 'cap.min')} data-testid="rule-cap-min" />
      <NumberInput label={t('rule.capMax')} description={t('rule.capMaxHelp')} value={rule.cap?.max ?? ''} onChange={(v) => setCap('max', v)} error={fieldError('cap.max') ?? !!fieldError('cap')} data-testid="rule-cap-max" />
    </SimpleGrid>
  );
}

export function RuleEditor({ rule, kinds, dimensions, problems, status, onChange, onRemove, onDuplicate, published }: Props) {
  const { t } = useTranslation('rules');
  const patch: Patch = (p) => onChange({ ...rule, ...p });
  const kind = kinds.find((k) => k.kind === rule.event_kind);
  const { conditionRef, pointsRef, target, setTarget, insert } = useExpressionInsert(rule, patch);

  // Problems the live expression check does not already show, placed under their field.
  const fieldError: FieldError = (...fields) => {
    const messages = problems.filter((p) => fields.includes(ruleField(p))).map((p) => keyedMessage(p));
    return messages.length ? messages.join('; ') : undefined;
  };
  const ruleLevel = problems.filter((p) => ruleField(p) === '');

  return (
    <Card withBorder padding="md" data-testid="rule-editor">
      <Stack gap="sm">
        <RuleHeading rule={rule} status={status} onRemove={onRemove} onDuplicate={onDuplicate} />
        {ruleLevel.map((p, i) => (
          <Alert key={i} color="red" p="xs">
            {keyedMessage(p)}
          </Alert>
        ))}
        <RuleIdentity rule={rule} kinds={kinds} dimensions={dimensions} kindKnown={!!kind} patch={patch} fieldError={fieldError} />
        <Textarea
          label={t('rule.description')}
          description={t('rule.descriptionHelp')}
          value={rule.description}
          onChange={(e) => patch({ description: e.currentTarget.value })}
          autosize
          minRows={1}
          maxRows={4}
          error={fieldError('description')}
          data-testid="rule-description"
        />
        <RuleTranslation rule={rule} patch={patch} fieldError={fieldError} />
        {descriptionLeftBehind(rule, published) && (
          <Alert color="orange" p="xs" data-testid="rule-stale-description">
            {staleDescription()}
          </Alert>
        )}
        <FieldChips kind={kind} target={target} onInsert={insert} />
        <RuleExpressions rule={rule} eventKind={kind ? rule.event_kind : ''} patch={patch} conditionRef={conditionRef} pointsRef={pointsRef} onTarget={setTarget} />
        <RuleLimits rule={rule} patch={patch} fieldError={fieldError} />
        {!kind && rule.event_kind && (
          <Text size="sm" c="red">
            {t('rule.unknownKind', { kind: rule.event_kind })}
          </Text>
        )}
      </Stack>
    </Card>
  );
}
