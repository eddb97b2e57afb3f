/**
 * Where an event came from, in a few words with the details on hover: the
 * provider named in the import (or "entered by hand"), and in the tooltip the
 * file, its SHA-256, who imported it and when, and the operation.
 */
import { Text, Tooltip } from '@mantine/core';
import type { EventSource } from '../../../../shared/contract';
import { when } from '../../format';

export function sourceHeadline(source: EventSource | null | undefined): string {
  if (!source) return 'source unknown';
  if (source.operationKind === 'event_recorded') return `entered by ${source.operator}`;
  return source.provider ?? 'provider not recorded';
}

function details(source: EventSource): string[] {
  const lines = [source.operationKind === 'event_recorded' ? `Entered by hand by ${source.operator}` : `Provider: ${source.provider ?? 'not recorded (imported before providers were)'}`];
  if (source.file) lines.push(`File: ${source.file}`);
  if (source.sha256) lines.push(`SHA-256: ${source.sha256}`);
  lines.push(`${source.operationKind === 'event_recorded' ? 'Recorded' : `Imported by ${source.operator}`} at ${when(source.at)} UTC, operation #${source.operationId}`);
  return lines;
}

/** A compact source cell for an event row. */
export function EventSourceLabel({ source, width = 150 }: { source: EventSource | null | undefined; width?: number }) {
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
  if (!source) return null;
  const contact = source.operationKind === 'event_recorded' ? `${source.operator} (entered the event by hand)` : (source.provider ?? 'not recorded for this import');
  return (
    <Text size="xs" c="dimmed" data-testid="dispute-provider">
      Provider to contact: {contact}
      {source.file ? ` · file ${source.file}` : ''}
    </Text>
  );
}
