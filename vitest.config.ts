import { defineConfig } from 'vitest/config';

// One run, four folders: unit (pure logic), integration (real SQLite files, simulator over loopback HTTP),
// contract (Odoo-facing behaviour, also run against a real server by `npm run test:odoo`), e2e (Chromium).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
