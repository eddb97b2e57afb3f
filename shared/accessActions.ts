/**
 * The one list of what an access-log row can say was done (its `action`
 * column). The main process can write only these codes (AccessEntry.action
 * is typed by them), plus a channel's name for a call refused before its
 * handler ran; the console's filter and labels are derived from this list,
 * and test/unit/i18n/accessActions.test.ts fails when a code has no label in
 * either language.
 */
import { CHANNEL_NAMES, type ChannelName } from './channels.js';

export const ACCESS_ACTIONS = [
  // Reads of personal data.
  'view_record',
  'search',
  'view_events',
  'view_measures',
  'list_disputes',
  'view_viewers',
  'view_ledger',
  'view_outlook',
  'preview_event',
  'view_network',
  'view_simulation',
  'unmask',
  'export',
  'bulk_read_alert',
  // Changes.
  'record_event',
  'retract_event',
  'record_consent',
  'open_dispute',
  'assign_dispute',
  'review_dispute',
  'decide_dispute',
  'change_setting',
  'setting_changed',
  'settings',
  'backup',
  'restore',
  // Sessions and accounts.
  'login',
  'logout',
  'unlock',
  'session_end',
  'session_revoked',
  'password_change',
  'cli_token',
  'account_proposed',
  'account_decided',
  'account_created',
  'account_role_changed',
  'account_disabled',
  'account_enabled',
  'account_password_reset',
  'account_password_changed',
  'account_sessions_revoked',
] as const;

/** An action the main process logs by name. */
export type LoggedAction = (typeof ACCESS_ACTIONS)[number];

/** What an access-log row records: a logged action, or the channel of a call refused (role, session, purpose). */
export type AccessAction = LoggedAction | ChannelName;

export function isLoggedAction(code: string): code is LoggedAction {
  return (ACCESS_ACTIONS as readonly string[]).includes(code);
}

export function isChannelAction(code: string): code is ChannelName {
  return (CHANNEL_NAMES as readonly string[]).includes(code);
}
