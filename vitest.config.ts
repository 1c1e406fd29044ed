import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // DuckDB and better-sqlite3 are native addons: separate processes are the safe pool.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/summary-reporter.ts'],
    // keel train records every run: the CLI tests' runs go to a throwaway store, not ./.keel.
    env: { KEEL_HOME: join(tmpdir(), `keel-test-home-${process.pid}`), KEEL_STORE: '' },
  },
});
