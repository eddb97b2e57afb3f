/**
 * Messages from the main process name the API channel they came through
 * ("users needs the admin role", "recordEvent: reason: ..."): useful in logs,
 * meaningless to an official. The console shows them without the name.
 */
import { CHANNEL_NAMES } from '../../shared/channels';

const NAMES = [...CHANNEL_NAMES].sort((a, b) => b.length - a.length).join('|');
const NEEDS_ROLE = new RegExp(`^(?:${NAMES}) needs the `);
const PREFIX = new RegExp(`^(?:${NAMES}): `);
const FAILED = new RegExp(`^(?:${NAMES}) (failed|produced a reply outside the contract)`);

export function plainMessage(message: string): string {
  return message.replace(NEEDS_ROLE, 'This needs the ').replace(PREFIX, '').replace(FAILED, (_m, what: string) => (what === 'failed' ? 'The action failed' : 'The reply was malformed'));
}
