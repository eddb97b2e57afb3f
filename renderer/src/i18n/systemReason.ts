/** A stored operation or dispute reason as the reader reads it: one the console wrote itself in the reader's language, one a person typed as typed. */
import i18next from 'i18next';
import { systemReasonOf } from '../../../shared/systemReasons';

export function readReason(reason: string): string {
  const known = systemReasonOf(reason);
  return known ? i18next.t(`operations:systemReason.${known}`) : reason;
}
