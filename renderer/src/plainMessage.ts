/**
 * Messages from the main process name the API channel they came through
 * ("users needs the admin role", "recordEvent: reason: ..."): useful in logs,
 * meaningless to an official. The console shows them without the name, and
 * the sentences it recognises in the console's language.
 */
import { CHANNEL_NAMES } from '../../shared/channels';
import i18next from './i18n';

const NAMES = [...CHANNEL_NAMES].sort((a, b) => b.length - a.length).join('|');
const NEEDS_ROLE = new RegExp(`^(?:${NAMES}) needs the (\\w+) role; (.+) is (\\w+)$`);
const PREFIX = new RegExp(`^(?:${NAMES}): `);
const FAILED = new RegExp(`^(?:${NAMES}) (failed|produced a reply outside the contract): ?(.*)$`, 's');

const role = (name: string): string => i18next.t(`common:roles.${name}`, { defaultValue: name });

export function plainMessage(message: string): string {
  const needs = NEEDS_ROLE.exec(message);
  if (needs) return i18next.t('errors:needsRole', { role: role(needs[1]), user: needs[2], current: role(needs[3]) });
  const failed = FAILED.exec(message);
  if (failed) return i18next.t(failed[1] === 'failed' ? 'errors:actionFailed' : 'errors:replyMalformed', { detail: failed[2] });
  return message.replace(PREFIX, '');
}
