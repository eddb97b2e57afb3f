/** Runs one draft rule on sample events typed here, or on the events of one citizen, and shows what each event gives. */
import { ActionIcon, Anchor, Autocomplete, Badge, Button, Card, Group, NumberInput, SegmentedControl, Select, Stack, Table, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import type { RuleTestResult } from '../../../../shared/contract';
import type { EventKindSpec, RuleSpec } from '../../../../shared/domain';
import { call } from '../../api';
import { points, when } from '../../format';
import { ErrorNote } from '../ErrorNote';
import { canonical } from './draft';

type Sample = Record<string, number | string | boolean | undefined>;

function SampleInput({ type, value, onChange, label }: { type: string; value: Sample[string]; onChange: (v: Sample[string]) => void; label: string }) {
  const common = { size: 'xs' as const, 'aria-label': label, miw: 110 };
  if (type === 'number') return <NumberInput {...common} hideControls placeholder="absent" value={typeof value === 'number' ? value : ''} onChange={(v) => onChange(typeof v === 'number' ? v : undefined)} />;
  if (type === 'bool')
    return <Select {...common} placeholder="absent" clearable data={['true', 'false']} value={value === undefined ? null : String(value)} onChange={(v) => onChange(v === null ? undefined : v === 'true')} />;
  return <TextInput {...common} placeholder={type === 'date' ? 'YYYY-MM-DD' : 'absent'} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.currentTarget.value === '' ? undefined : e.currentTarget.value)} />;
}

const showData = (data: Record<string, unknown>) =>
  Object.entries(data)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`)
    .join(', ') || '(no fields)';

function Results({ result, citizenId }: { result: RuleTestResult; citizenId: string | null }) {
  const matched = result.rows.filter((r) => r.matched).length;
  const counted = result.rows.filter((r) => r.matched && r.counted && r.error === null).length;
  const failed = result.rows.filter((r) => r.error !== null).length;
  return (
    <Stack gap="xs" data-testid="test-results">
      <Text size="sm" c="dimmed">
        {result.rows.length} event{result.rows.length === 1 ? '' : 's'}: {matched} matched, {counted} of them counted{failed ? `, ${failed} failed to evaluate` : ''}.
      </Text>
      <Group gap="md">
        <Text size="sm">
          Sum of counted events: <b>{points(result.raw)}</b>
        </Text>
        <Text size="sm">
          Rule total{citizenId ? ' for this citizen' : ''}: <b data-testid="test-total">{points(result.total)}</b>
        </Text>
        {result.capped && <Badge color="orange">cut by the cap</Badge>}
        {citizenId && (
          <Anchor component={Link} href={`/citizen/${encodeURIComponent(citizenId)}`} size="sm">
            open {citizenId}
          </Anchor>
        )}
      </Group>
      {result.rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {citizenId ? 'This citizen has no events of this kind.' : 'No samples to run.'}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={700} mah={360}>
          <Table striped verticalSpacing={4} fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Event</Table.Th>
                <Table.Th>Data the rule sees</Table.Th>
                <Table.Th>Matched</Table.Th>
                <Table.Th ta="right">Points</Table.Th>
                <Table.Th>Counted</Table.Th>
                <Table.Th>Error</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {result.rows.map((r, i) => (
                <Table.Tr key={i} data-testid="test-row">
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {r.eventId ?? `sample ${i + 1}`}
                    </Text>
                    {r.occurredAt && (
                      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                        {when(r.occurredAt)}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace" style={{ wordBreak: 'break-word' }}>
                      {showData(r.data)}
                    </Text>
                  </Table.Td>
                  <Table.Td>{r.matched ? <Badge color="indigo">yes</Badge> : <Text size="sm" c="dimmed">no</Text>}</Table.Td>
                  <Table.Td ta="right" ff="monospace">
                    {r.matched ? points(r.points) : '—'}
                  </Table.Td>
                  <Table.Td>
                    {r.counted ? (
                      'yes'
                    ) : (
                      <Tooltip label="outside the rule's ttl window, or after the scores' as-of instant">
                        <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                          no (expired)
                        </Text>
                      </Tooltip>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {r.error && (
                      <Text size="xs" c="red">
                        {r.error}
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
          <Title order={5}>Test this rule</Title>
          <SegmentedControl
            size="xs"
            value={mode}
            onChange={(v) => setMode(v as 'samples' | 'citizen')}
            data={[
              { value: 'samples', label: 'On sample events' },
              { value: 'citizen', label: 'On one citizen' },
            ]}
            data-testid="test-mode"
          />
        </Group>
        {mode === 'samples' ? (
          <Stack gap={6}>
            <Text size="xs" c="dimmed">
              One row per event of kind {kind?.kind ?? '?'}; leave a field empty for an event without it. Protected fields are never passed to rules.
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
                            <SampleInput type={f.type} label={`sample ${i + 1} ${name}`} value={s[name]} onChange={(v) => setSamples((all) => all.map((x, j) => (j === i ? { ...x, [name]: v } : x)))} />
                          </Table.Td>
                        ))}
                        <Table.Td>
                          <ActionIcon variant="subtle" color="gray" aria-label={`remove sample ${i + 1}`} onClick={() => setSamples((all) => all.filter((_, j) => j !== i))}>
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
                Add a sample event
              </Button>
            </Group>
          </Stack>
        ) : (
          <Autocomplete
            label="Citizen"
            description="The rule runs on this citizen's events of this kind, as of the current scores' instant"
            placeholder="name or id, e.g. C0000001"
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
            Run the test
          </Button>
          {stale && (
            <Text size="sm" c="orange.8">
              The rule changed since this test: run it again.
            </Text>
          )}
        </Group>
        <ErrorNote error={run.error} title="The rule could not be tested" />
        {run.data && !run.isPending && <Results result={run.data.result} citizenId={run.data.citizenId} />}
      </Stack>
    </Card>
  );
}
