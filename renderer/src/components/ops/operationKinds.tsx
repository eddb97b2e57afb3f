/** How the operation kinds of the ledger (SCORING_MODEL §6) are named and coloured in the console, and how an auditor reads their times. */
import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { OperationKind } from '../../../../shared/domain';
import { intlLocale } from '../../format';
import i18next from '../../i18n';

export const OPERATION_KINDS = OperationKind.options;

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

/** The kind's name in the console's language (operations:kind.<kind>); an unknown kind keeps its code. */
export const operationKindLabel = (kind: OperationKind | string): string => i18next.t(`operations:kind.${kind}`, { defaultValue: kind });

/** The kinds as options of a filter, in the console's language: call it while rendering. */
export const operationKindOptions = () => OPERATION_KINDS.map((k) => ({ value: k, label: operationKindLabel(k) }));

export function OperationKindBadge({ kind }: { kind: OperationKind }) {
  useTranslation('operations');
  return (
    <Badge color={COLORS[kind] ?? 'gray'} variant="light" tt="none" title={kind}>
      {operationKindLabel(kind)}
    </Badge>
  );
}

const seconds = new Map<string, Intl.DateTimeFormat>();
/** An instant as the auditor reads it: date and time to the second, in UTC, written the console language's way (without the zone). */
export const utcSeconds = (iso: string): string => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const locale = intlLocale();
  let f = seconds.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone: 'UTC' });
    seconds.set(locale, f);
  }
  return f.format(ms).replace(', ', ' ');
};
/** The same, saying the zone: "2026-11-30 07:14:05 UTC". */
export const utc = (iso: string): string => `${utcSeconds(iso)} UTC`;
