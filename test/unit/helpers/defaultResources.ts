/** Paths of the shipped default event kinds and ruleset, for the database and CLI tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_RESOURCES = fileURLToPath(new URL('../../../resources/default/', import.meta.url));
export const DEFAULT_KINDS_FILE = join(DEFAULT_RESOURCES, 'event_kinds.json');
export const DEFAULT_RULESET_FILE = join(DEFAULT_RESOURCES, 'ruleset.json');

export function defaultRuleset(): Record<string, unknown> {
  return JSON.parse(readFileSync(DEFAULT_RULESET_FILE, 'utf8')) as Record<string, unknown>;
}
