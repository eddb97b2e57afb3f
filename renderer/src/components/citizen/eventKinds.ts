/**
 * Event kinds and their fields are data (event_kinds.json), named by codes
 * such as `bill_payment`. The console names the kinds and fields of the
 * default catalogue in its language (citizen:eventKind.*, citizen:eventField.*),
 * and the coded values its rules read (citizen:eventValue.<field>.<code>, such
 * as a case_type of `fraud`); any other kind, field or value reads as written.
 */
import i18next from '../../i18n';

const spaced = (code: string): string => code.replace(/_/g, ' ');

/** A kind of event in the console's language; call it while rendering. */
export const eventKindLabel = (kind: string): string => i18next.t(`citizen:eventKind.${kind}`, { defaultValue: spaced(kind) });

/** A field of an event kind in the console's language; call it while rendering. */
export const eventFieldLabel = (field: string): string => i18next.t(`citizen:eventField.${field}`, { defaultValue: spaced(field) });

/** A field type (number, bool, date, string) in the console's language. */
export const fieldTypeLabel = (type: string): string => i18next.t(`citizen:fieldType.${type}`, { defaultValue: type });

/** A coded value of a field of the default catalogue (case_type `civil`) in the console's language; any other value as written. */
export const eventValueLabel = (field: string, value: string): string => i18next.t(`citizen:eventValue.${field}.${value}`, { defaultValue: value });
