/**
 * A ruleset document the schema (shared/domain.ts RulesetSpec) refused: each
 * zod issue as a keyed problem (`server:ruleset.schema.*`), so the reader
 * gets why in their language; the field is named by the problem's path.
 * A message written in the schema itself (a rule id's form, a language that
 * is not a console's) keeps its exact English; zod's own wording gives way to
 * ours. An issue of a kind not known here keeps zod's English as its reason.
 */
import type { z } from 'zod';
import { keyed } from '../../shared/englishText.js';
import type { KeyedParam } from '../../shared/keyedText.js';
import type { ServerMessageKey } from '../../shared/messages.js';

type Issue = z.core.$ZodIssue;

const TYPES = new Set(['number', 'int', 'string', 'boolean', 'object', 'array']);
const UNSAFE = /^contains the control, bidirectional formatting or separator character U\+([0-9A-F]{4}) at character (\d+)$/;
const LANGUAGE = /^(.+) is not a console language \((.+)\)$/;

const list = (values: readonly unknown[]): string => values.map(String).join(', ');

/** The message, key and parameters of one issue. */
export function schemaProblem(issue: Issue): { message: string; key: ServerMessageKey; params?: Record<string, KeyedParam> } {
  const last = issue.path[issue.path.length - 1];
  let m: RegExpExecArray | null;
  switch (issue.code) {
    case 'invalid_type':
      return keyed('ruleset.schema.wrongType', { expected: TYPES.has(issue.expected) ? { key: `ruleset.schema.types.${issue.expected}` as ServerMessageKey } : issue.expected });
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min === 1 ? keyed(issue.message === 'a translated name may not be empty' ? 'ruleset.schema.translatedNameEmpty' : 'ruleset.schema.empty') : keyed('ruleset.schema.minChars', { minimum: min });
      if (issue.origin === 'array') return min === 1 ? keyed('ruleset.schema.empty') : keyed('ruleset.schema.minItems', { minimum: min });
      return keyed(issue.inclusive === false ? 'ruleset.schema.above' : 'ruleset.schema.min', { minimum: min });
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return keyed('ruleset.schema.maxChars', { maximum: max });
      if (issue.origin === 'array') return keyed('ruleset.schema.maxItems', { maximum: max });
      return keyed(issue.inclusive === false ? 'ruleset.schema.below' : 'ruleset.schema.max', { maximum: max });
    }
    case 'invalid_format':
      if (last === 'id' && issue.path[0] === 'rules') return keyed('ruleset.schema.ruleId');
      if (last === 'event_kind') return keyed('ruleset.schema.kindName');
      return keyed('ruleset.schema.format');
    case 'unrecognized_keys':
      if ((m = LANGUAGE.exec(issue.message))) return keyed('ruleset.schema.language', { keys: m[1], languages: m[2] });
      return keyed('ruleset.schema.unknownKeys', { keys: list(issue.keys) });
    case 'invalid_value':
      return keyed('ruleset.schema.oneOf', { values: list(issue.values) });
    case 'custom':
      if ((m = UNSAFE.exec(issue.message))) return keyed('ruleset.schema.unsafeChar', { code: m[1], at: Number(m[2]) });
      if (issue.message === 'contains a lone UTF-16 surrogate') return keyed('ruleset.schema.surrogate');
      return keyed('ruleset.schema.other', { reason: issue.message });
    default:
      return keyed('ruleset.schema.other', { reason: issue.message });
  }
}
