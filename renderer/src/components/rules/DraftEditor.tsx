/**
 * The draft editor: the list of rules and the parameters on the left, the
 * selected item's editor (and its tester) on the right, and every validation
 * problem of the whole draft listed on top, each leading to its rule.
 */
import { Alert, Anchor, Badge, Button, Grid, Group, NavLink, ScrollArea, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RuleSpec } from '../../../../shared/domain';
import { canonical, cleanRule, describeProblem, newRule, problemsOfRule, type Current, type DraftHandle, type Problem } from './draft';
import { ParametersEditor } from './ParametersEditor';
import { RuleEditor } from './RuleEditor';
import { RuleTester } from './RuleTester';
import { useRuleText } from '../../i18n/ruleText';

export type Selection = 'parameters' | number;

interface Props {
  handle: DraftHandle;
  current: Current;
  problems: Problem[];
  selected: Selection;
  onSelect: (s: Selection) => void;
}

export function ProblemList({ problems, onOpen }: { problems: Problem[]; onOpen?: (p: Problem) => void }) {
  const { t } = useTranslation('rules');
  if (problems.length === 0) return null;
  return (
    <Alert color="red" title={t('problem.listTitle', { count: problems.length })} data-testid="validation-problems">
      <Stack gap={2}>
        {problems.map((p, i) => (
          <Text key={i} size="sm" data-testid="validation-problem">
            {onOpen ? (
              <Anchor component="button" type="button" size="sm" onClick={() => onOpen(p)} ta="left">
                {describeProblem(p)}
              </Anchor>
            ) : (
              describeProblem(p)
            )}
          </Text>
        ))}
      </Stack>
    </Alert>
  );
}

export function DraftEditor({ handle, current, problems, selected, onSelect }: Props) {
  const { t } = useTranslation('rules');
  const ruleText = useRuleText();
  const { draft, update } = handle;
  const [removed, setRemoved] = useState<{ rule: RuleSpec; index: number } | null>(null);
  const published = new Map((current.spec?.rules ?? []).map((r) => [r.id, canonical(cleanRule(r))]));
  const statusOf = (r: RuleSpec) => (!published.has(r.id) ? 'new' : published.get(r.id) === canonical(cleanRule(r)) ? 'same' : 'changed');
  const dimensions = [...new Set([...(current.spec?.rules ?? []), ...draft.rules].map((r) => r.dimension).filter(Boolean))].sort();
  const parameterProblems = problems.filter((p) => p.rule === undefined);
  const index = typeof selected === 'number' && selected < draft.rules.length ? selected : null;
  const rule = index !== null ? draft.rules[index] : null;

  const setRule = (i: number, r: RuleSpec) => update((d) => ({ ...d, rules: d.rules.map((x, j) => (j === i ? r : x)) }));
  const addRule = () => {
    const r = newRule(draft, current.kinds);
    update((d) => ({ ...d, rules: [...d.rules, r] }));
    onSelect(draft.rules.length);
  };
  const removeRule = (i: number) => {
    setRemoved({ rule: draft.rules[i], index: i });
    update((d) => ({ ...d, rules: d.rules.filter((_, j) => j !== i) }));
    onSelect(draft.rules.length > 1 ? Math.max(0, i - 1) : 'parameters');
  };
  const undoRemove = () => {
    if (!removed) return;
    update((d) => ({ ...d, rules: [...d.rules.slice(0, removed.index), removed.rule, ...d.rules.slice(removed.index)] }));
    onSelect(removed.index);
    setRemoved(null);
  };
  const duplicate = (i: number) => {
    const src = draft.rules[i];
    const taken = new Set(draft.rules.map((r) => r.id));
    let id = `${src.id}-copy`.slice(0, 64);
    for (let n = 2; taken.has(id); n++) id = `${src.id}-copy${n}`.slice(0, 64);
    update((d) => ({ ...d, rules: [...d.rules.slice(0, i + 1), { ...structuredClone(src), id, name: t('editor.copyName', { name: src.name }) }, ...d.rules.slice(i + 1)] }));
    onSelect(i + 1);
  };
  const openProblem = (p: Problem) => {
    if (p.rule === undefined) return onSelect('parameters');
    const i = draft.rules.findIndex((r, j) => problemsOfRule([p], r, j).length > 0);
    if (i >= 0) onSelect(i);
  };

  return (
    <Stack gap="sm">
      <ProblemList problems={problems} onOpen={openProblem} />
      {removed && (
        <Alert color="gray" p="xs" withCloseButton onClose={() => setRemoved(null)}>
          <Group gap="xs">
            <Text size="sm">{t('editor.removed', { name: removed.rule.name })}</Text>
            <Anchor component="button" type="button" size="sm" onClick={undoRemove} data-testid="undo-remove">
              {t('editor.undo')}
            </Anchor>
          </Group>
        </Alert>
      )}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 3 }}>
          <Stack gap={4}>
            <NavLink
              component="button"
              label={t('editor.parameters')}
              active={selected === 'parameters'}
              onClick={() => onSelect('parameters')}
              rightSection={parameterProblems.length > 0 && <Badge color="red" size="sm">{parameterProblems.length}</Badge>}
              data-testid="select-parameters"
            />
            <Text size="xs" c="dimmed" fw={600} tt="uppercase" mt="xs" px="xs">
              {t('editor.rules', { n: draft.rules.length })}
            </Text>
            <ScrollArea.Autosize mah="calc(100vh - 320px)">
              {draft.rules.map((r, i) => {
                const n = problemsOfRule(problems, r, i).length;
                const status = statusOf(r);
                return (
                  <NavLink
                    component="button"
                    key={i}
                    label={(r.name && ruleText.name(r)) || t('editor.unnamed')}
                    description={`${r.id} · ${r.event_kind}`}
                    active={index === i}
                    onClick={() => onSelect(i)}
                    data-testid="rule-item"
                    data-rule-id={r.id}
                    rightSection={
                      n > 0 ? (
                        <Badge color="red" size="sm" title={t('problem.count', { count: n })}>
                          {n}
                        </Badge>
                      ) : status !== 'same' ? (
                        <Badge color={status === 'new' ? 'green' : 'yellow'} size="xs" variant="light">
                          {status === 'new' ? t('editor.status.new') : t('editor.status.changed')}
                        </Badge>
                      ) : null
                    }
                  />
                );
              })}
            </ScrollArea.Autosize>
            <Button variant="light" size="xs" mt="xs" onClick={addRule} disabled={current.kinds.length === 0} data-testid="add-rule">
              {t('editor.addRule')}
            </Button>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 9 }}>
          {rule && index !== null ? (
            <Stack gap="md">
              <RuleEditor
                key={index}
                rule={rule}
                kinds={current.kinds}
                dimensions={dimensions}
                problems={problemsOfRule(problems, rule, index)}
                status={statusOf(rule)}
                onChange={(r) => setRule(index, r)}
                onRemove={() => removeRule(index)}
                onDuplicate={() => duplicate(index)}
                published={current.spec?.rules.find((r) => r.id === rule.id)}
              />
              <RuleTester key={`tester-${index}`} rule={cleanRule(rule)} kind={current.kinds.find((k) => k.kind === rule.event_kind)} />
            </Stack>
          ) : (
            <ParametersEditor draft={draft} problems={parameterProblems} onChange={(d) => update(() => d)} />
          )}
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
