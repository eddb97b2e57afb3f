/**
 * Ruleset validation (SCORING_MODEL §2): every refusal names the rule and,
 * for expressions, the position; evaluation of one rule on one event
 * (SCORING_MODEL §3), where a failing expression contributes 0 and is counted.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateRule, MAX_FRIEND_WEIGHT, validateRuleset, type CompiledRule } from '../../../electron/engine/rules.js';
import { EventKindSpec, type InputProblem, type RuleSpec } from '../../../shared/domain.js';
import { openDatabase } from '../../../electron/db/connection.js';
import { importFolder } from '../../../electron/services/import.js';
import { publishRuleset } from '../../../electron/services/rulesets.js';
import { tempDir } from '../helpers/population.js';

const VOLUNTEER: EventKindSpec = {
  kind: 'volunteer_service',
  fields: {
    hours: { type: 'number' },
    organisation: { type: 'string' },
    verified: { type: 'bool' },
    health_condition: { type: 'string', protected: true },
  },
};
const KINDS = new Map([[VOLUNTEER.kind, VOLUNTEER]]);

function rule(overrides: Partial<RuleSpec> = {}): RuleSpec {
  return {
    id: 'volunteering',
    name: 'Volunteering',
    description: '',
    dimension: 'civic',
    event_kind: 'volunteer_service',
    condition: 'has(event.hours) && event.hours > 0.0',
    points: 'event.hours / 4.0',
    ...overrides,
  };
}

function ruleset(overrides: Record<string, unknown> = {}) {
  return {
    base_score: 1000,
    score_min: 0,
    score_max: 2000,
    friend_penalty: { threshold: 850, weight: 0.5, cap: 100 },
    tiers: [
      { name: 'A', min: 960 },
      { name: 'B', min: 850 },
      { name: 'C', min: 600 },
      { name: 'D', min: 0 },
    ],
    rules: [rule({ id: 'first' }), rule({ id: 'second' })],
    ...overrides,
  };
}

/** The problems of a refused ruleset (fails the test if it was accepted). */
function problemsOf(input: unknown): InputProblem[] {
  const r = validateRuleset(input, KINDS);
  if (r.ok) throw new Error('the ruleset was accepted');
  // The keys that put a message in the reader's language are checked in test/unit/i18n/keyedProblems.test.ts.
  return r.problems.map(({ key: _key, params: _params, ...p }) => p);
}

/** Replace the second rule (so the refusal must name it, not the first). */
function withSecondRule(overrides: Partial<RuleSpec>) {
  return ruleset({ rules: [rule({ id: 'first' }), rule({ id: 'second', ...overrides })] });
}

describe('validateRuleset accepts', () => {
  it('a valid ruleset, compiling its rules in order and grouping them by kind', () => {
    const r = validateRuleset(ruleset(), KINDS);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.ruleset.rules.map((x) => [x.index, x.spec.id])).toEqual([
        [0, 'first'],
        [1, 'second'],
      ]);
      expect(r.ruleset.byKind.get('volunteer_service')!.map((x) => x.spec.id)).toEqual(['first', 'second']);
    }
  });

  it('the default ruleset shipped in resources/ against the default event kinds', () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const kinds = (JSON.parse(readFileSync(join(root, 'resources/default/event_kinds.json'), 'utf8')) as unknown[]).map((k) => EventKindSpec.parse(k));
    const spec = JSON.parse(readFileSync(join(root, 'resources/default/ruleset.json'), 'utf8'));
    const r = validateRuleset(spec, new Map(kinds.map((k) => [k.kind, k])));
    expect(r.ok ? [] : r.problems).toEqual([]);
  });

  it('the boundary values: weight 0 and 0.95, a cap of exactly {0, 0}, the last tier at score_min', () => {
    for (const weight of [0, MAX_FRIEND_WEIGHT]) {
      expect(validateRuleset(ruleset({ friend_penalty: { threshold: 850, weight, cap: 100 } }), KINDS).ok).toBe(true);
    }
    expect(validateRuleset(withSecondRule({ cap: { min: 0, max: 0 } }), KINDS).ok).toBe(true);
    expect(validateRuleset(ruleset({ tiers: [{ name: 'only', min: 0 }] }), KINDS).ok).toBe(true);
  });
});

describe('validateRuleset refuses, naming the rule and the position', () => {
  it('a syntax error', () => {
    expect(problemsOf(withSecondRule({ condition: 'event.hours >' }))).toEqual([
      { rule: 'second', field: 'condition', position: 14, message: expect.stringMatching(/unexpected/i) },
    ]);
  });

  it('a type error: event.hours * 2 mixes double and int', () => {
    expect(problemsOf(withSecondRule({ points: '1.0 + event.hours * 2' }))).toEqual([
      { rule: 'second', field: 'points', position: 7, message: expect.stringMatching(/double \* int/) },
    ]);
  });

  it('a field the kind does not declare', () => {
    expect(problemsOf(withSecondRule({ condition: 'event.minutes > 30.0' }))).toEqual([
      { rule: 'second', field: 'condition', position: 7, message: expect.stringMatching(/minutes.*not declared/) },
    ]);
  });

  it('a protected field, also inside has()', () => {
    expect(problemsOf(withSecondRule({ condition: 'event.health_condition == "none"' }))).toEqual([
      { rule: 'second', field: 'condition', position: 7, message: expect.stringMatching(/health_condition.*protected/) },
    ]);
    expect(problemsOf(withSecondRule({ points: 'has(event.health_condition) ? 1 : 0' }))).toEqual([
      { rule: 'second', field: 'points', position: 11, message: expect.stringMatching(/protected/) },
    ]);
  });

  it('dynamic indexing of event: event["x"]', () => {
    expect(problemsOf(withSecondRule({ condition: 'event["hours"] > 1.0' }))).toEqual([
      { rule: 'second', field: 'condition', position: 1, message: expect.stringMatching(/dynamic indexing/) },
    ]);
  });

  it('whole-object use of event: "x" in event', () => {
    expect(problemsOf(withSecondRule({ condition: '"hours" in event' }))).toEqual([
      { rule: 'second', field: 'condition', position: 12, message: expect.stringMatching(/field by field/) },
    ]);
  });

  it('a condition that does not return bool', () => {
    expect(problemsOf(withSecondRule({ condition: 'event.hours' }))).toEqual([
      { rule: 'second', field: 'condition', position: 1, message: expect.stringMatching(/must return bool.*double/) },
    ]);
  });

  it('points that are not int or double', () => {
    for (const points of ['event.organisation', 'true']) {
      expect(problemsOf(withSecondRule({ points }))).toEqual([
        { rule: 'second', field: 'points', position: 1, message: expect.stringMatching(/int or double/) },
      ]);
    }
  });

  it('a cap that does not contain 0', () => {
    for (const cap of [{ min: 5, max: 10 }, { max: -1 }, { min: 1 }]) {
      expect(problemsOf(withSecondRule({ cap }))).toEqual([{ rule: 'second', field: 'cap', message: expect.stringMatching(/contain 0/) }]);
    }
  });

  it('tiers whose minimums are not strictly descending', () => {
    const equal = [
      { name: 'A', min: 960 },
      { name: 'B', min: 960 },
      { name: 'D', min: 0 },
    ];
    expect(problemsOf(ruleset({ tiers: equal }))).toEqual([{ field: 'tiers.1.min', message: expect.stringMatching(/strictly below/) }]);
    const ascending = [
      { name: 'A', min: 850 },
      { name: 'B', min: 960 },
      { name: 'D', min: 0 },
    ];
    expect(problemsOf(ruleset({ tiers: ascending }))).toEqual([{ field: 'tiers.1.min', message: expect.stringMatching(/strictly below/) }]);
  });

  it('a last tier whose minimum is above score_min', () => {
    expect(
      problemsOf(
        ruleset({
          tiers: [
            { name: 'A', min: 960 },
            { name: 'D', min: 0.01 },
          ],
        }),
      ),
    ).toEqual([{ field: 'tiers.1.min', message: expect.stringMatching(/score_min/) }]);
  });

  it('a friend weight outside [0, 0.95]', () => {
    for (const weight of [-0.01, 0.951, 1, 2]) {
      expect(problemsOf(ruleset({ friend_penalty: { threshold: 850, weight, cap: 100 } }))).toEqual([
        { field: 'friend_penalty.weight', message: expect.stringMatching(/weight/) },
      ]);
    }
  });

  it('an expression longer than 2000 characters', () => {
    const long = 'event.hours > 1.0' + ' && event.hours > 1.0'.repeat(100);
    expect(long.length).toBeGreaterThan(2000);
    expect(problemsOf(withSecondRule({ condition: long }))).toEqual([{ rule: 'second', field: 'rules.1.condition', message: expect.stringMatching(/2000/) }]);
  });

  it('an expression nested deeper than the limit', () => {
    const deep = '('.repeat(30) + '1' + ')'.repeat(30);
    expect(problemsOf(withSecondRule({ points: deep }))).toEqual([
      { rule: 'second', field: 'points', position: expect.any(Number), message: expect.stringMatching(/depth/i) },
    ]);
  });

  it('a rule of an unknown event kind, and a rule id used twice', () => {
    expect(problemsOf(withSecondRule({ event_kind: 'parking_fine' }))).toEqual([{ rule: 'second', field: 'event_kind', message: expect.stringMatching(/parking_fine/) }]);
    expect(problemsOf(ruleset({ rules: [rule({ id: 'same' }), rule({ id: 'same' })] }))).toEqual([{ rule: 'same', message: expect.stringMatching(/twice/) }]);
  });

  it('every problem of a ruleset at once, so they can be fixed in one pass', () => {
    const problems = problemsOf(
      ruleset({
        friend_penalty: { threshold: 850, weight: 0.99, cap: 100 },
        rules: [rule({ id: 'a', condition: 'event.hours' }), rule({ id: 'b', points: 'event.hours * 2' }), rule({ id: 'c', cap: { min: 1 } })],
      }),
    );
    expect(problems.map((p) => [p.rule ?? null, p.field])).toEqual([
      [null, 'friend_penalty.weight'],
      ['a', 'condition'],
      ['b', 'points'],
      ['c', 'cap'],
    ]);
  });

  it('a document that is not a ruleset, naming the rule of a malformed rule', () => {
    const problems = problemsOf(ruleset({ rules: [rule({ id: 'first' }), { ...rule({ id: 'second' }), points: 7 }] }));
    expect(problems).toEqual([{ rule: 'second', field: 'rules.1.points', message: expect.any(String) }]);
  });
});

describe('evaluateRule: c(r, e) of one event', () => {
  function compiled(overrides: Partial<RuleSpec>): CompiledRule {
    const r = validateRuleset(ruleset({ rules: [rule(overrides)] }), KINDS);
    if (!r.ok) throw new Error(r.problems[0].message);
    return r.ruleset.rules[0];
  }

  it('gives the points when the condition holds and 0 otherwise', () => {
    const r = compiled({});
    expect(evaluateRule(r, { hours: 10 })).toEqual({ points: 2.5, error: null });
    expect(evaluateRule(r, { hours: 0 })).toEqual({ points: 0, error: null });
    expect(evaluateRule(r, {})).toEqual({ points: 0, error: null });
  });

  it('does not evaluate points when the condition is false, so their errors do not count', () => {
    const r = compiled({ condition: 'has(event.verified) && event.verified', points: 'event.hours / 4.0' });
    expect(evaluateRule(r, { verified: false })).toEqual({ points: 0, error: null });
    expect(evaluateRule(r, { verified: true })).toMatchObject({ points: 0, error: expect.stringMatching(/hours/) });
  });

  it('turns a missing field in the condition into 0 points and a counted error', () => {
    expect(evaluateRule(compiled({ condition: 'event.hours > 1.0', points: '5' }), {})).toMatchObject({ points: 0, error: expect.stringMatching(/hours/) });
  });

  it('turns integer division by zero into 0 points and a counted error', () => {
    expect(evaluateRule(compiled({ condition: 'true', points: '10 / int(event.hours)' }), { hours: 0 })).toMatchObject({ points: 0, error: expect.stringMatching(/division by zero/) });
  });

  it('turns non-finite points (double division by zero) into 0 points and a counted error', () => {
    expect(evaluateRule(compiled({ condition: 'true', points: '1.0 / event.hours' }), { hours: 0 })).toMatchObject({ points: 0, error: expect.stringMatching(/finite/) });
    expect(evaluateRule(compiled({ condition: 'true', points: '0.0 / event.hours' }), { hours: 0 })).toMatchObject({ points: 0, error: expect.stringMatching(/finite/) });
  });

  it('turns a failure on the library fallback path into a counted error too', () => {
    expect(evaluateRule(compiled({ condition: 'true', points: '[1, 2][int(event.hours)]' }), { hours: 5 })).toMatchObject({ points: 0, error: expect.any(String) });
  });
});

describe('evaluation errors at publish', () => {
  const workspace = tempDir('credence-rules-');
  afterAll(() => workspace.cleanup());

  it('publishing counts the failing events per rule and scores them as 0', async () => {
    const dir = join(workspace.dir, 'data');
    mkdirSync(dir);
    writeFileSync(join(dir, 'event_kinds.json'), JSON.stringify([VOLUNTEER]));
    writeFileSync(join(dir, 'citizens.csv'), 'citizen_id,name,district,birth_date\nX1,Ann,North,\nX2,Bob,North,\n');
    writeFileSync(
      join(dir, 'events.csv'),
      [
        'event_id,citizen_id,kind,occurred_at,data',
        'e1,X1,volunteer_service,2025-01-01T00:00:00Z,"{""hours"": 8}"',
        'e2,X1,volunteer_service,2025-01-02T00:00:00Z,"{""organisation"": ""Library""}"',
        'e3,X2,volunteer_service,2025-01-03T00:00:00Z,"{""hours"": 0}"',
        'e4,X2,volunteer_service,2025-01-04T00:00:00Z,"{}"',
      ].join('\n') + '\n',
    );
    const db = openDatabase(join(workspace.dir, 'rules.sqlite'));
    try {
      expect((await importFolder(db, dir, { actor: 'test' })).ok).toBe(true);
      const spec = ruleset({
        rules: [
          rule({ id: 'hours', condition: 'event.hours > 0.0', points: '8.0 / event.hours' }),
          rule({ id: 'per-event', condition: 'true', points: '1' }),
        ],
      });
      const result = publishRuleset(db, spec, { actor: 'test', reason: 'evaluation errors', asOf: '2025-06-01T00:00:00Z' });
      expect(result.ok).toBe(true);
      // e2 and e4 lack hours (condition fails); e3 has hours 0: condition false, no error.
      expect(result.evaluationErrors).toEqual([{ ruleId: 'hours', count: 2, example: expect.stringMatching(/hours/) }]);
      const scores = db.prepare('SELECT c.citizen_id, s.own FROM scores s JOIN citizens c ON c.idx = s.citizen_idx ORDER BY 1').raw(true).all();
      expect(scores).toEqual([
        ['X1', 1000 + 1 + 2],
        ['X2', 1000 + 2],
      ]);
    } finally {
      db.close();
    }
  });
});
