/** How the operation kinds of the ledger (SCORING_MODEL §6) are named and coloured in the console. */
import { Badge } from '@mantine/core';
import { OperationKind } from '../../../../shared/domain';

export const OPERATION_KINDS = OperationKind.options;

const LABELS: Record<OperationKind, string> = {
  event_recorded: 'Event recorded',
  events_imported: 'Events imported',
  event_retracted: 'Event retracted',
  ruleset_published: 'Ruleset published',
  relationship_changed: 'Relationships changed',
  records_expired: 'Records expired',
  manual_adjustment: 'Manual adjustment',
  appeal_decided: 'Appeal decided',
  dispute_opened: 'Dispute opened',
  dispute_assigned: 'Dispute assigned',
  dispute_reviewed: 'Dispute under review',
  dispute_decided: 'Dispute decided',
  backup_restored: 'Backup restored',
  consent_changed: 'Consent changed',
};

const COLORS: Record<OperationKind, string> = {
  event_recorded: 'blue',
  events_imported: 'indigo',
  event_retracted: 'orange',
  ruleset_published: 'violet',
  relationship_changed: 'cyan',
  records_expired: 'gray',
  manual_adjustment: 'pink',
  appeal_decided: 'grape',
  dispute_opened: 'orange',
  dispute_assigned: 'yellow',
  dispute_reviewed: 'yellow',
  dispute_decided: 'grape',
  backup_restored: 'red',
  consent_changed: 'teal',
};

export const operationKindLabel = (kind: OperationKind): string => LABELS[kind] ?? kind;

export const OPERATION_KIND_OPTIONS = OPERATION_KINDS.map((k) => ({ value: k, label: LABELS[k] }));

export function OperationKindBadge({ kind }: { kind: OperationKind }) {
  return (
    <Badge color={COLORS[kind] ?? 'gray'} variant="light" tt="none" title={kind}>
      {operationKindLabel(kind)}
    </Badge>
  );
}

/** An instant as the auditor reads it: date and time to the second, in UTC. */
export const utc = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
