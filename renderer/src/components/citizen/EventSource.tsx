/**
 * Where an event came from, in a few words with the details on hover: the
 * provider named in the import (or "entered by hand"), and in the tooltip the
 * file, its SHA-256, who imported it and when, and the operation.
 */
import { Text, Tooltip } from '@mantine/core';
import type { EventSource } from '../../../../shared/contract';
import { useTranslation } from 'react-i18next';
import { when } from '../../format';
import i18next from '../../i18n';

export function sourceHeadline(source: EventSource | null | undefined): string {
  if (!source) return i18next.t('citizen:source.unknown');
  if (source.operationKind === 'event_recorded') return i18next.t('citizen:source.enteredBy', { operator: source.operator });
  return source.provider ?? i18next.t('citizen:source.providerNotRecorded');
}

function details(source: EventSource): string[] {
  const byHand = source.operationKind === 'event_recorded';
  const lines = [byHand ? i18next.t('citizen:source.enteredByHand', { operator: source.operator }) : source.provider ? i18next.t('citizen:source.provider', { provider: source.provider }) : i18next.t('citizen:source.providerUnknown')];
  if (source.file) lines.push(i18next.t('citizen:source.file', { file: source.file }));
  if (source.sha256) lines.push(`SHA-256: ${source.sha256}`);
  const at = { at: when(source.at), operation: source.operationId, operator: source.operator };
  lines.push(byHand ? i18next.t('citizen:source.recordedAt', at) : i18next.t('citizen:source.importedAt', at));
  return lines;
}

/** A compact source cell for an event row. */
export function EventSourceLabel({ source, width = 150 }: { source: EventSource | null | undefined; width?: number }) {
  useTranslation('citizen');
  const label = (
    <Text size="xs" c="dimmed" w={width} truncate="end" data-testid="event-source">
      {sourceHeadline(source)}
    </Text>
  );
  if (!source) return label;
  return (
    <Tooltip
      multiline
      w={420}
      withinPortal
      label={details(source).map((l) => (
        <div key={l} style={{ overflowWrap: 'anywhere' }}>
          {l}
        </div>
      ))}
    >
      {label}
    </Tooltip>
  );
}

/** For a dispute of an event: whom to contact about a correction. */
export function DisputeContact({ source }: { source: EventSource | null | undefined }) {
  useTranslation('citizen');
  if (!source) return null;
  const contact = source.operationKind === 'event_recorded' ? i18next.t('citizen:source.contactByHand', { operator: source.operator }) : (source.provider ?? i18next.t('citizen:source.contactUnknown'));
  return (
    <Text size="xs" c="dimmed" data-testid="dispute-provider">
      {source.file ? i18next.t('citizen:source.contactWithFile', { contact, file: source.file }) : i18next.t('citizen:source.contact', { contact })}
    </Text>
  );
}
