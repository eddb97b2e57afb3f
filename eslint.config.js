/**
 * Lint (run by `npm test`): typescript-eslint with type information, and the
 * layering of STYLE.md enforced as import rules, so an arrow pointing the
 * wrong way fails the build instead of waiting for a reviewer:
 *   renderer -> shared,  electron -> shared,
 *   inside electron: ipc | bridge | cli -> services -> engine | db.
 * Only the Electron entry points import `electron`.
 */
import tseslint from 'typescript-eslint';

const noElectron = { name: 'electron', message: 'only electron/main.ts and electron/preload.ts import electron: the rest must run under plain Node' };
const layer = (group, message) => ({ group, message });

export default tseslint.config(
  { ignores: ['dist/**', 'dist-electron/**', 'out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': ['error', { paths: [noElectron] }],
    },
  },
  {
    files: ['electron/main.ts', 'electron/preload.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['electron/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noElectron],
        patterns: [layer(['**/services/*', '**/db/*', '**/ipc/*', '**/bridge/*', '**/cli/*', '**/cli', '**/jobs/*', '**/renderer/**'], 'the engine is pure computation: it imports nothing from services, db, ipc, bridge, cli or jobs')],
      }],
    },
  },
  {
    files: ['electron/services/**/*.ts', 'electron/db/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noElectron],
        patterns: [layer(['**/ipc/*', '**/bridge/*', '**/cli/*', '**/cli', '**/renderer/**'], 'services and db import nothing from ipc, bridge or cli (those call services)')],
      }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noElectron],
        patterns: [layer(['**/electron/**', '**/renderer/**', 'node:*'], 'shared/ is the contract: it imports nothing else of the project, no Node, no DOM')],
      }],
    },
  },
  {
    // One source per shape: a shape in the contract or the domain is a zod
    // schema and its type is z.infer of it, never an interface or object
    // type written beside it by hand (the two drift apart).
    files: ['shared/contract.ts', 'shared/domain.ts'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: 'ExportNamedDeclaration > TSInterfaceDeclaration', message: 'a shape in shared/ is a zod schema: export its type as z.infer<typeof Schema>, not an interface written by hand' },
        { selector: 'ExportNamedDeclaration > TSTypeAliasDeclaration > TSTypeLiteral.typeAnnotation', message: 'a shape in shared/ is a zod schema: export its type as z.infer<typeof Schema>, not an object type written by hand' },
      ],
    },
  },
  {
    files: ['renderer/src/**/*.ts', 'renderer/src/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noElectron],
        patterns: [layer(['**/electron/**', 'node:*'], 'the renderer talks to the main process only through the contract in shared/')],
      }],
    },
  },
);
