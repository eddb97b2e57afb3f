import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/insider/**/*.test.ts', 'test/abuse/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The command line speaks the system locale's language (electron/cli/i18n.ts): tests that read its
    // English run in English on a Chinese workstation too; test/unit/cli/language.test.ts sets its own.
    // Password hashes with N = 2^10 instead of 2^17 (electron/services/auth.ts, passwordLogN): the suite logs
    // in thousands of times. test/unit/services/auth.test.ts checks the real cost with the variable unset.
    env: { LC_ALL: 'C.UTF-8', CREDENCE_LANG: '', CREDENCE_TEST_PASSWORD_LOG_N: '10' },
  },
});
