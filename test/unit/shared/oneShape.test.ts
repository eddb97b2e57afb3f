/**
 * One source per shape (STYLE.md): a shape that crosses the contract is a zod
 * schema in shared/, and its type is z.infer of it. The lint rule that
 * enforces it is played by a developer who writes the copy by hand anyway;
 * and the schemas the domain and the contract share are the same objects,
 * not two definitions that happen to agree today.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { channels } from '../../../shared/contract.js';
import { Explanation, InputProblem } from '../../../shared/domain.js';

const eslint = new ESLint({ cwd: process.cwd() });

async function lintAs(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('a shape written by hand beside its schema fails the lint', () => {
  const HAND_WRITTEN = [
    ['an exported interface', "export interface Explanation {\n  citizenId: string;\n  score: number;\n}\n"],
    ['an exported object type', 'export type InputProblem = {\n  message: string;\n  line?: number;\n};\n'],
  ] as const;

  for (const file of ['shared/domain.ts', 'shared/contract.ts']) {
    it.each(HAND_WRITTEN)(`${file}: %s is refused`, async (_what, code) => {
      const messages = await lintAs(file, `import { z } from 'zod';\nexport const Shape = z.object({ message: z.string() });\n${code}`);
      expect(messages).toEqual([expect.stringMatching(/^no-restricted-syntax: a shape in shared\/ is a zod schema: export its type as z\.infer/)]);
    });
  }

  it('the type derived from the schema passes', async () => {
    expect(await lintAs('shared/domain.ts', "import { z } from 'zod';\nexport const Shape = z.object({ message: z.string() });\nexport type Shape = z.infer<typeof Shape>;\n")).toEqual([]);
  });
});

describe('the contract checks explanations and problems with the domain schemas themselves', () => {
  it("a citizen's record carries the domain Explanation", () => {
    expect(channels.citizen.output.shape.explanation.unwrap()).toBe(Explanation);
  });

  it('the problems of a ruleset validation are the domain InputProblem', () => {
    expect(channels.validateRuleset.output.shape.problems.element).toBe(InputProblem);
  });
});
