/**
 * Several processes of one team, in one test file: each `open` is one process's services (as one
 * `ocm serve` would have) over one PostgreSQL database and one data folder (the team's key file), and
 * a simulator for their collectors to sync. Registers the suite's set-up and tear-down: everything
 * opened is closed after it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { MirrorLocation } from '../../src-main/hosts/mirror-store';
import { createServices, type CreateServicesOptions, type RunningServices } from '../../src-main/hosts/services';
import { startSimulator, type RunningSimulator } from '../../src-main/simulator';
import { startTestPostgres, type TestPostgres } from './postgres';

/** The shared database, the simulator, and the processes opened on them. */
export interface TeamProcesses {
  readonly database: MirrorLocation;
  readonly simulator: RunningSimulator;
  /** One more process's services on the shared database and folder. */
  open(options?: Omit<CreateServicesOptions, 'dataDir' | 'database' | 'keychain'>): Promise<RunningServices>;
  /** Stops one process before the suite ends (a collector going away). */
  close(app: RunningServices): Promise<void>;
}

/** Sets up the suite's team (call at describe level); `simulator` says what the simulated Odoo holds. */
export function teamProcesses(simulator: Parameters<typeof startSimulator>[0]): TeamProcesses {
  let server: TestPostgres | undefined;
  let running: RunningSimulator | undefined;
  let database: MirrorLocation | undefined;
  let home: string | undefined;
  const apps: RunningServices[] = [];

  beforeAll(async () => {
    server = await startTestPostgres();
    database = { kind: 'postgres', url: await server.createDatabase() };
    running = await startSimulator(simulator);
    home = mkdtempSync(join(tmpdir(), 'ocm-team-processes-'));
  }, 120_000);

  afterAll(async () => {
    for (const app of apps.splice(0)) await app.close();
    await running?.close();
    await server?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  return {
    get database() {
      return database!;
    },
    get simulator() {
      return running!;
    },
    async open(options = {}) {
      const app = await createServices({ ...options, dataDir: home!, database: database!, keychain: null });
      apps.push(app);
      return app;
    },
    async close(app) {
      apps.splice(apps.indexOf(app), 1);
      await app.close();
    },
  };
}
