import { defineConfig } from 'vitest/config';

// `npm test` runs the suite twice: once on SQLite, once on PostgreSQL (ATRIUM_TEST_DB=postgres).
// Pure modules (the access engine, crypto) and the SQL connectors (whose tests use the real
// PostgreSQL and MariaDB in both passes) do not depend on the app's store, so the PostgreSQL pass
// skips them rather than running identical work twice. The console's browser tests (test/e2e)
// exercise the UI, not the store: they run in the SQLite pass only.
const pgPass = process.env.ATRIUM_TEST_DB === 'postgres';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: pgPass ? ['src/access/**', 'test/access/**', 'src/crypto/**', 'src/connectors/**', 'src/modules/plans.test.ts', 'test/e2e/**', 'node_modules/**'] : ['node_modules/**'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    // The AWS SDK warns once per process that its releases after January 2027 need Node 22. True,
    // and a concern for whoever upgrades the lockfile, not for each of the suite's processes.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
