/** Edits the draft's parameters: base score, clamp, friend penalty and tiers (SCORING_MODEL §2). */
import { ActionIcon, Alert, Button, Card, Group, NumberInput, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { TierBadge } from '../TierBadge';
import { ConsentRequiredField } from '../consent/ConsentRequiredField';
import type { DraftRuleset, Num, Problem } from './draft';
import { keyedMessage } from '../../i18n/serverText';

const num = (v: number | string): Num => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function ParametersEditor({ draft, problems, onChange }: { draft: DraftRuleset; problems: Problem[]; onChange: (d: DraftRuleset) => void }) {
  const { t } = useTranslation('rules');
  const at = (field: string) => {
    const m = problems.filter((p) => p.field === field || (p.field ?? '').startsWith(`${field}.`)).map((p) => keyedMessage(p));
    return m.length ? m.join('; ') : undefined;
  };
  const fp = draft.friend_penalty;
  const setFp = (patch: Partial<DraftRuleset['friend_penalty']>) => onChange({ ...draft, friend_penalty: { ...fp, ...patch } });
  const setTier = (i: number, patch: Partial<DraftRuleset['tiers'][number]>) => onChange({ ...draft, tiers: draft.tiers.map((tier, j) => (j === i ? { ...tier, ...patch } : tier)) });
  const tierWide = problems.filter((p) => p.field === 'tiers');
  return (
    <Card withBorder padding="md" data-testid="parameters-editor">
      <Stack gap="md">
        <Title order={4}>{t('parameters.title')}</Title>
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="sm">
          <NumberInput label={t('parameters.baseScore')} description={t('parameters.baseScoreHelp')} value={draft.base_score ?? ''} onChange={(v) => onChange({ ...draft, base_score: num(v) })} error={at('base_score')} data-testid="param-base-score" />
          <NumberInput label={t('parameters.lowest')} description={t('parameters.lowestHelp')} value={draft.score_min ?? ''} onChange={(v) => onChange({ ...draft, score_min: num(v) })} error={at('score_min')} data-testid="param-score-min" />
          <NumberInput label={t('parameters.highest')} description={t('parameters.highestHelp')} value={draft.score_max ?? ''} onChange={(v) => onChange({ ...draft, score_max: num(v) })} error={at('score_max')} data-testid="param-score-max" />
        </SimpleGrid>
        <div>
          <Text fw={600} size="sm">
            {t('parameters.friendPenalty')}
          </Text>
          <Text size="xs" c="dimmed" mb={6}>
            {t('parameters.friendPenaltyHelp')}
          </Text>
          <SimpleGrid cols={{ base: 1, md: 3 }} spacing="sm">
            <NumberInput label={t('parameters.threshold')} value={fp.threshold ?? ''} onChange={(v) => setFp({ threshold: num(v) })} error={at('friend_penalty.threshold')} data-testid="param-fp-threshold" />
            <NumberInput
              label={t('parameters.weight')}
              description={t('parameters.weightHelp')}
              value={fp.weight ?? ''}
              onChange={(v) => setFp({ weight: num(v) })}
              step={0.05}
              decimalScale={4}
              min={0}
              max={0.95}
              clampBehavior="none"
              error={at('friend_penalty.weight')}
              data-testid="param-fp-weight"
            />
            <NumberInput label={t('parameters.cap')} description={t('parameters.capHelp')} value={fp.cap ?? ''} onChange={(v) => setFp({ cap: num(v) })} error={at('friend_penalty.cap')} data-testid="param-fp-cap" />
          </SimpleGrid>
        </div>
        <ConsentRequiredField value={draft.consent_required === true} onChange={(v) => {
            // Off is the default: left out, so a draft switched on and off again is the published ruleset.
            const { consent_required: _was, ...rest } = draft;
            onChange(v ? { ...rest, consent_required: true } : rest);
          }} />
        <div>
          <Text fw={600} size="sm">
            {t('parameters.tiers')}
          </Text>
          <Text size="xs" c="dimmed" mb={6}>
            {t('parameters.tiersHelp')}
          </Text>
          {tierWide.map((p, i) => (
            <Alert key={i} color="red" p="xs" mb={6}>
              {keyedMessage(p)}
            </Alert>
          ))}
          <Table verticalSpacing={4} withRowBorders={false} maw={520} data-testid="tiers-editor">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={60} />
                <Table.Th>{t('parameters.tierName')}</Table.Th>
                <Table.Th>{t('parameters.tierMin')}</Table.Th>
                <Table.Th w={40} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {draft.tiers.map((tier, i) => (
                <Table.Tr key={i}>
                  <Table.Td>
                    <TierBadge tier={tier.name || '?'} size="sm" />
                  </Table.Td>
                  <Table.Td>
                    <TextInput size="xs" aria-label={t('parameters.tierNameLabel', { n: i + 1 })} value={tier.name} onChange={(e) => setTier(i, { name: e.currentTarget.value })} error={at(`tiers.${i}.name`)} />
                  </Table.Td>
                  <Table.Td>
                    <NumberInput size="xs" aria-label={t('parameters.tierMinLabel', { n: i + 1 })} value={tier.min ?? ''} onChange={(v) => setTier(i, { min: num(v) })} error={at(`tiers.${i}.min`)} data-testid={`param-tier-min-${i}`} />
                  </Table.Td>
                  <Table.Td>
                    <ActionIcon variant="subtle" color="gray" aria-label={t('parameters.removeTier', { name: tier.name })} disabled={draft.tiers.length <= 1} onClick={() => onChange({ ...draft, tiers: draft.tiers.filter((_, j) => j !== i) })}>
                      ✕
                    </ActionIcon>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Group mt={6}>
            <Button size="xs" variant="default" onClick={() => onChange({ ...draft, tiers: [...draft.tiers, { name: '', min: null }] })}>
              {t('parameters.addTier')}
            </Button>
          </Group>
        </div>
      </Stack>
    </Card>
  );
}
