/**
 * The rules editor's starting point where nothing was published yet is the
 * default ruleset's parameters, taken from resources/default/ruleset.json:
 * if the two ever differ (someone restates the numbers in the renderer, or
 * changes the file and not the console), this fails.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EMPTY_RULESET } from '../../../renderer/src/components/rules/draft.js';
import { RulesetSpec } from '../../../shared/domain.js';

const FILE = new URL('../../../resources/default/ruleset.json', import.meta.url);

describe("the renderer's default ruleset", () => {
  const onDisk = RulesetSpec.parse(JSON.parse(readFileSync(FILE, 'utf8')));

  it('has exactly the parameters of resources/default/ruleset.json, and no rules', () => {
    expect(EMPTY_RULESET).toEqual({
      base_score: onDisk.base_score,
      score_min: onDisk.score_min,
      score_max: onDisk.score_max,
      friend_penalty: onDisk.friend_penalty,
      tiers: onDisk.tiers,
      rules: [],
    });
  });

  it('is a ruleset the server would accept', () => {
    expect(RulesetSpec.safeParse(EMPTY_RULESET).success).toBe(true);
  });
});
