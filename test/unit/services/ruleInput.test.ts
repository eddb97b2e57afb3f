/**
 * What a rule sees of an event (contributions.ts ruleInput): its declared
 * fields, never a protected one, whatever else the record holds. The visible
 * fields are worked out once per kind; two kinds with the same field names
 * but different protection each keep their own.
 */
import { describe, expect, it } from 'vitest';
import type { EventKindSpec } from '../../../shared/domain.js';
import { ruleInput } from '../../../electron/services/contributions.js';

const court: EventKindSpec = { kind: 'court_judgment', fields: { severity: { type: 'number' }, defendant_ethnicity: { type: 'string', protected: true } } };
const survey: EventKindSpec = { kind: 'survey', fields: { severity: { type: 'number', protected: true }, defendant_ethnicity: { type: 'string' } } };

describe('ruleInput', () => {
  it('keeps declared fields and drops protected and undeclared ones, per kind, every time', () => {
    const data = { severity: 3, defendant_ethnicity: 'x', smuggled: 'y' };
    for (let i = 0; i < 3; i++) {
      expect(ruleInput(court, data)).toEqual({ severity: 3 });
      expect(ruleInput(survey, data)).toEqual({ defendant_ethnicity: 'x' });
    }
    expect(ruleInput(court, {})).toEqual({});
  });
});
