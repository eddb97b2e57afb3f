/**
 * "Record an event": a form generated from the event kind's schema (a typed
 * input per field, protected fields marked), when it happened and why it is
 * recorded by hand. The server checks it with the same code as an import
 * row. The event id is chosen when the form opens, so a second click cannot
 * record the event twice. The new figures are shown once it is recorded.
 */
import { Alert, Badge, Button, Group, Modal, NumberInput, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { Output } from '../../../../shared/contract';
import type { EventKindSpec } from '../../../../shared/domain';
import { call, purposeFor } from '../../api';
import { count, score } from '../../format';
import { ErrorNote } from '../ErrorNote';
import { hasReason, ReasonField } from '../ReasonField';
import { EventEffect } from '../network/EventEffect';
import { refreshScores } from './refresh';
import { eventFieldLabel, eventKindLabel, fieldTypeLabel } from './eventKinds';

type FieldValue = string | number | boolean | '';

const newEventId = (): string => `M-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${crypto.randomUUID().slice(0, 8)}`;

/** Now, to the minute, as a datetime-local value read as UTC. */
const nowUtc = (): string => new Date().toISOString().slice(0, 16);

/** The typed data of the form: fields left empty are not recorded. */
function dataOf(kind: EventKindSpec, values: Record<string, FieldValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(kind.fields)) {
    const v = values[name];
    if (v === '' || v === undefined) continue;
    out[name] = v;
  }
  return out;
}

function FieldInput({ name, type, isProtected, value, onChange }: { name: string; type: string; isProtected: boolean; value: FieldValue; onChange: (v: FieldValue) => void }) {
  const { t } = useTranslation('citizen');
  const label = (
    <Group gap={6} component="span">
      <span>{eventFieldLabel(name)}</span>
      <Text span size="xs" c="dimmed">
        {fieldTypeLabel(type)}
      </Text>
      {isProtected && (
        <Badge size="xs" color="grape" variant="light" title={t('record.protectedTitle')}>
          {t('record.protected')}
        </Badge>
      )}
    </Group>
  );
  const testId = `record-field-${name}`;
  if (type === 'number') return <NumberInput label={label} value={value === '' ? '' : Number(value)} onChange={(v) => onChange(typeof v === 'number' ? v : '')} data-testid={testId} />;
  if (type === 'bool')
    return (
      <Select
        label={label}
        placeholder={t('record.notGiven')}
        clearable
        data={[
          { value: 'true', label: t('yes') },
          { value: 'false', label: t('no') },
        ]}
        value={value === '' ? null : String(value)}
        onChange={(v) => onChange(v === null ? '' : v === 'true')}
        data-testid={testId}
        comboboxProps={{ withinPortal: true }}
      />
    );
  if (type === 'date') return <TextInput type="date" label={label} value={String(value)} onChange={(e) => onChange(e.currentTarget.value)} data-testid={testId} />;
  return <TextInput label={label} value={String(value)} onChange={(e) => onChange(e.currentTarget.value)} maxLength={500} data-testid={testId} />;
}

export function RecordEventModal({ citizenId, onClose }: { citizenId: string; onClose: () => void }) {
  const { t } = useTranslation('citizen');
  const { t: tn } = useTranslation('network');
  const qc = useQueryClient();
  const { data: current } = useQuery({ queryKey: ['rulesetCurrent'], queryFn: () => call('rulesetCurrent', {}) });
  const [eventId] = useState(newEventId);
  const [kindName, setKindName] = useState<string | null>(null);
  const [values, setValues] = useState<Record<string, FieldValue>>({});
  const [occurredAt, setOccurredAt] = useState(nowUtc);
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<Output<'recordEvent'> | null>(null);
  const kind = useMemo(() => current?.kinds.find((k) => k.kind === kindName) ?? null, [current, kindName]);
  const rulesFor = (k: string) => current?.spec?.rules.filter((r) => r.event_kind === k).length ?? 0;
  const occurredInstant = occurredAt.length === 16 ? `${occurredAt}:00Z` : `${occurredAt}Z`;
  const preview = useMutation({
    mutationFn: () => call('previewEvent', { citizenId, kind: kind!.kind, occurredAt: occurredInstant, data: dataOf(kind!, values), purpose: purposeFor(citizenId) }),
  });
  const { reset: resetPreview } = preview;
  // A preview is of what the form says: any change of the form withdraws it.
  useEffect(() => resetPreview(), [kindName, values, occurredAt, resetPreview]);
  const save = useMutation({
    mutationFn: () => call('recordEvent', { citizenId, eventId, kind: kind!.kind, occurredAt: occurredAt.length === 16 ? `${occurredAt}:00Z` : `${occurredAt}Z`, data: dataOf(kind!, values), reason: reason.trim() }),
    onSuccess: async (r) => {
      setResult(r);
      await refreshScores(qc);
    },
  });
  return (
    <Modal opened onClose={onClose} title={<Text fw={700}>{t('record.title', { citizenId })}</Text>} size="xl" data-testid="record-event-modal">
      {result ? (
        <Stack>
          <Alert color="teal" title={t('record.done', { id: result.eventId, operation: result.operationId })} data-testid="record-event-result">
            <Trans
              t={t}
              i18nKey={result.before && result.after ? 'record.doneScoreTier' : 'record.doneScore'}
              count={result.scoresChanged}
              values={{
                before: score(result.before?.score),
                after: score(result.after?.score),
                tierBefore: result.before?.tier,
                tierAfter: result.after?.tier,
                changed: count(result.scoresChanged),
              }}
              components={{ b: <b /> }}
            />
          </Alert>
          <Group justify="flex-end">
            <Button onClick={onClose} data-testid="record-event-close">
              {t('record.close')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <Stack gap="sm">
          <Select
            label={t('record.kind')}
            placeholder={t('record.choose')}
            data={(current?.kinds ?? []).map((k) => ({ value: k.kind, label: rulesFor(k.kind) ? eventKindLabel(k.kind) : t('record.kindUnscored', { kind: eventKindLabel(k.kind) }) }))}
            value={kindName}
            onChange={(v) => {
              setKindName(v);
              setValues({});
            }}
            searchable
            data-autofocus
            data-testid="record-event-kind"
            comboboxProps={{ withinPortal: true }}
          />
          {kind && (
            <SimpleGrid cols={2}>
              {Object.entries(kind.fields).map(([name, spec]) => (
                <FieldInput key={name} name={name} type={spec.type} isProtected={!!spec.protected} value={values[name] ?? ''} onChange={(v) => setValues((x) => ({ ...x, [name]: v }))} />
              ))}
            </SimpleGrid>
          )}
          <TextInput
            type="datetime-local"
            label={t('record.occurred')}
            value={occurredAt}
            onChange={(e) => setOccurredAt(e.currentTarget.value)}
            required
            w={260}
            data-testid="record-event-occurred"
          />
          <EventEffect citizenId={citizenId} preview={preview.data} error={preview.error} />
          <ReasonField label={t('record.reason')} description={t('record.reasonHelp')} min={10} value={reason} onChange={setReason} data-testid="record-event-reason" />
          <Text size="xs" c="dimmed">
            {t('record.note', { id: eventId })}
          </Text>
          <ErrorNote error={save.error} title={t('record.failed')} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('reasonModal.cancel')}
            </Button>
            <Button variant="light" disabled={!kind || !occurredAt} loading={preview.isPending} onClick={() => preview.mutate()} data-testid="record-event-preview">
              {tn('preview.button')}
            </Button>
            <Button disabled={!kind || !occurredAt || !hasReason(reason, 10)} loading={save.isPending} onClick={() => save.mutate()} data-testid="record-event-submit">
              {t('record.submit')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
