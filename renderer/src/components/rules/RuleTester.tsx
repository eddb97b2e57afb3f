/** Runs one draft rule on sample events typed here, or on the events of one citizen, and shows what each event gives. */
import { ActionIcon, Anchor, Autocomplete, Badge, Button, Card, Group, NumberInput, SegmentedControl, Select, Stack, Table, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { RuleTestResult } from '../../../../shared/contract';
import type { EventKindSpec, RuleSpec } from '../../../../shared/domain';
import { call } from '../../api';
import { points, when } from '../../format';
import { ErrorNote } from '../ErrorNote';
import { keyedMessage } from '../../i18n/serverText';
import { canonical } from './draft';

type Sample = Record<string, number | string | boolean | undefined>;

function SampleInput({ type, value, onChange, label }: { type: string; value: Sample[string]; onChange: (v: Sample[string]) => void; label: string }) {
  const { t } = useTranslation('rules');
  const absent = t('tester.absent');
  const common = { size: 'xs' as const, 'aria-label': label, miw: 110 };
  if (type === 'number') return <NumberInput {...common} hideControls placeholder={absent} value={typeof value === 'number' ? value : ''} onChange={(v) => onChange(typeof v === 'number' ? v : undefined)} />;
  if (type === 'bool')
    return <Select {...common} placeholder={absent} clearable data={['true', 'false']} value={value === undefined ? null : String(value)} onChange={(v) => onChange(v === null ? undefined : v === 'true')} />;
  return <TextInput {...common} placeholder={type === 'date' ? 'YYYY-MM-DD' : absent} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.currentTarget.value === '' ? undefined : e.currentTarget.value)} />;
}

/** The event's data as the rule sees it, in CEL-like notation (code, not translated); `none` when it has no fields. */
const showData = (data: Record<string, unknown>, none: string) =>
  Object.entries(data)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`)
    .join(', ') || none;

function Results({ result, citizenId }: { result: RuleTestResult; citizenId: string | null }) {
  const { t } = useTranslation('rules');
  const matched = result.rows.filter((r) => r.matched).length;
  const counted = result.rows.filter((r) => r.matched && r.counted && r.error === null).length;
  const failed = result.rows.filter((r) => r.error !== null).length;
  return (
    <Stack gap="xs" data-testid="test-results">
      <Text size="sm" c="dimmed">
        {failed ? t('tester.summaryFailed', { count: result.rows.length, matched, counted, failed }) : t('tester.summary', { count: result.rows.length, matched, counted })}
      </Text>
      <Group gap="md">
        <Text size="sm">
          <Trans i18nKey="rules:tester.sum" values={{ points: points(result.raw) }} components={{ b: <b /> }} />
        </Text>
        <Text size="sm">
          <Trans i18nKey={citizenId ? 'rules:tester.totalCitizen' : 'rules:tester.total'} values={{ points: points(result.total) }} components={{ b: <b data-testid="test-total" /> }} />
        </Text>
        {result.capped && <Badge color="orange">{t('tester.capped')}</Badge>}
        {citizenId && (
          <Anchor component={Link} href={`/citizen/${encodeURIComponent(citizenId)}`} size="sm">
            {t('tester.open', { id: citizenId })}
          </Anchor>
        )}
      </Group>
      {result.rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {citizenId ? t('tester.noEvents') : t('tester.noSamples')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={700} mah={360}>
          <Table striped verticalSpacing={4} fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('tester.event')}</Table.Th>
                <Table.Th>{t('tester.data')}</Table.Th>
                <Table.Th>{t('tester.matched')}</Table.Th>
                <Table.Th ta="right">{t('tester.points')}</Table.Th>
                <Table.Th>{t('tester.counted')}</Table.Th>
                <Table.Th>{t('tester.error')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {result.rows.map((r, i) => (
                <Table.Tr key={i} data-testid="test-row">
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {r.eventId ?? t('tester.sample', { n: i + 1 })}
                    </Text>
                    {r.occurredAt && (
                      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                        {when(r.occurredAt)}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace" style={{ wordBreak: 'break-word' }}>
                      {showData(r.data, t('tester.noData'))}
                    </Text>
                  </Table.Td>
                  <Table.Td>{r.matched ? <Badge color="indigo">{t('tester.yes')}</Badge> : <Text size="sm" c="dimmed">{t('tester.no')}</Text>}</Table.Td>
                  <Table.Td ta="right" ff="monospace">
                    {r.matched ? points(r.points) : '—'}
                  </Table.Td>
                  <Table.Td>
                    {r.counted ? (
                      t('tester.yes')
                    ) : (
                      <Tooltip label={t('tester.expiredHelp')}>
                        <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                          {t('tester.expired')}
                        </Text>
                      </Tooltip>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {r.error && (
                      <Text size="xs" c="red">
                        {keyedMessage({ key: r.errorKey, params: r.errorParams, message: r.error })}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

export function RuleTester({ rule, kind }: { rule: RuleSpec; kind: EventKindSpec | undefined }) {
  const { t } = useTranslation('rules');
  const [mode, setMode] = useState<'samples' | 'citizen'>('samples');
  const [samples, setSamples] = useState<Sample[]>([{}]);
  const [citizen, setCitizen] = useState('');
  const [debouncedCitizen] = useDebouncedValue(citizen, 200);
  const fields = kind ? Object.entries(kind.fields).filter(([, f]) => !f.protected) : [];
  useEffect(() => setSamples([{}]), [kind?.kind]);

  const suggestions = useQuery({
    queryKey: ['search', 'ruleTester', debouncedCitizen],
    queryFn: () => call('search', { query: debouncedCitizen, limit: 8 }),
    enabled: mode === 'citizen' && debouncedCitizen.trim().length > 0,
    placeholderData: (prev) => prev,
  });
  const names = new Map((suggestions.data?.rows ?? []).map((r) => [r.citizenId, `${r.name} · ${r.district}`]));

  const run = useMutation({
    mutationFn: async () => {
      const tested = canonical(rule);
      const citizenId = mode === 'citizen' ? citizen.trim() : null;
      const samplesIn = mode === 'samples' ? samples.map((s) => Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined))) : undefined;
      const result = await call('testRule', { rule, samples: samplesIn, citizenId: citizenId ?? undefined });
      return { result, tested, citizenId };
    },
  });
  const stale = run.data && run.data.tested !== canonical(rule);

  return (
    <Card withBorder padding="md" data-testid="rule-tester">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={5}>{t('tester.title')}</Title>
          <SegmentedControl
            size="xs"
            value={mode}
            onChange={(v) => setMode(v as 'samples' | 'citizen')}
            data={[
              { value: 'samples', label: t('tester.modeSamples') },
              { value: 'citizen', label: t('tester.modeCitizen') },
            ]}
            aria-label={t('tester.modeLabel')}
            data-testid="test-mode"
          />
        </Group>
        {mode === 'samples' ? (
          <Stack gap={6}>
            <Text size="xs" c="dimmed">
              {t('tester.samplesHelp', { kind: kind?.kind ?? '?' })}
            </Text>
            {fields.length > 0 && (
              <Table.ScrollContainer minWidth={120 * fields.length + 60}>
                <Table verticalSpacing={4} withRowBorders={false}>
                  <Table.Thead>
                    <Table.Tr>
                      {fields.map(([name, f]) => (
                        <Table.Th key={name} fz="xs" ff="monospace">
                          {name} <Text span size="xs" c="dimmed">({f.type})</Text>
                        </Table.Th>
                      ))}
                      <Table.Th w={40} />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {samples.map((s, i) => (
                      <Table.Tr key={i} data-testid="sample-row">
                        {fields.map(([name, f]) => (
                          <Table.Td key={name}>
                            <SampleInput type={f.type} label={t('tester.sampleField', { n: i + 1, field: name })} value={s[name]} onChange={(v) => setSamples((all) => all.map((x, j) => (j === i ? { ...x, [name]: v } : x)))} />
                          </Table.Td>
                        ))}
                        <Table.Td>
                          <ActionIcon variant="subtle" color="gray" aria-label={t('tester.removeSample', { n: i + 1 })} onClick={() => setSamples((all) => all.filter((_, j) => j !== i))}>
                            ✕
                          </ActionIcon>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
            <Group>
              <Button size="xs" variant="default" onClick={() => setSamples((all) => [...all, {}])} disabled={samples.length >= 200} data-testid="add-sample">
                {t('tester.addSample')}
              </Button>
            </Group>
          </Stack>
        ) : (
          <Autocomplete
            label={t('tester.citizen')}
            description={t('tester.citizenHelp')}
            placeholder={t('tester.citizenPlaceholder')}
            value={citizen}
            onChange={setCitizen}
            data={[...names.keys()]}
            renderOption={({ option }) => (
              <div>
                <Text size="sm" ff="monospace">
                  {option.value}
                </Text>
                <Text size="xs" c="dimmed">
                  {names.get(option.value)}
                </Text>
              </div>
            )}
            filter={({ options }) => options}
            w={360}
            data-testid="test-citizen"
          />
        )}
        <Group>
          <Button onClick={() => run.mutate()} loading={run.isPending} disabled={mode === 'citizen' ? citizen.trim() === '' : samples.length === 0} data-testid="test-run">
            {t('tester.run')}
          </Button>
          {stale && (
            <Text size="sm" c="var(--credence-warning-text)">
              {t('tester.stale')}
            </Text>
          )}
        </Group>
        <ErrorNote error={run.error} title={t('tester.failed')} />
        {run.data && !run.isPending && <Results result={run.data.result} citizenId={run.data.citizenId} />}
      </Stack>
    </Card>
  );
}
