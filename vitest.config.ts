import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The command line speaks the system locale's language (electron/cli/i18n.ts): tests that read its
    // English run in English on a Chinese workstation too; test/unit/cli/language.test.ts sets its own.
    // Password hashes with N = 2^10 instead of 2^17 (electron/services/auth.ts, passwordLogN): the suite logs
    // in thousands of times. test/unit/services/auth.test.ts checks the real cost with the variable unset.
    env: { LC_ALL: 'C.UTF-8', CREDENCE_LANG: '', CREDENCE_TEST_PASSWORD_LOG_N: '10' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/insider/**/*.test.ts'],
          // One test file per core (vitest's default leaves one core free: on a 2-core machine that is one file
          // at a time, the other core idle while a file waits on its child processes, fsyncs and workers).
          maxWorkers: availableParallelism(),
        },
      },
      {
        extends: true,
        test: {
          name: 'abuse',
          include: ['test/abuse/**/*.test.ts'],
          // The attacks check that a viewer's ping answers within 1 s: they run after the rest, alone, so the
          // machine's other test files are not counted against the console.
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
