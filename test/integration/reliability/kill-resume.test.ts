/**
 * Kills `ocm sync --once` (a child process) with SIGKILL at random points of a 100,000-row snapshot,
 * 20 times, resuming each time. After every kill the committed rows and the cursor agree (rows and cursor
 * share one transaction); at the end the mirror equals the server: same ids, nothing lost or doubled.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator';
import { databasePath } from '../../../src-main/store/data-directory';
import { openStore } from '../../../src-main/store/store';
import { createServices } from '../../../src-main/hosts/services';
import { timelinePage } from '../../../src-main/store/queries/change-queries';
import { missingReadIndexes } from '../../../src-main/store/read-indexes';

const ROWS = 100_000;
const KILLS = 20;
const child = fileURLToPath(new URL('./sync-child.ts', import.meta.url));

let sim: RunningSimulator;
let home: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, databases: [{ name: 'big', demo: false, syntheticRows: ROWS }] });
  home = mkdtempSync(join(tmpdir(), 'ocm-kill-'));
  const app = await createServices({ dataDir: home, engine: 'none' });
  await app.services.instances.add({ name: 'Big', url: sim.url, db: 'big', login: 'admin', password: 'admin', transport: 'jsonrpc' });
  await app.close();
});
afterAll(async () => {
  await sim?.close();
  rmSync(home, { recursive: true, force: true });
});

/** Starts the child; `reached(id)` resolves once it has read the change log up to `id` (or exited). */
function startChild() {
  const process_ = spawn(process.execPath, ['--import', 'tsx', child], { env: { ...process.env, OCM_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let lastRead = 0;
  const waiters: { id: number; resolve(): void }[] = [];
  process_.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const match of chunk.toString().matchAll(/^read (\d+)$/gm)) lastRead = Math.max(lastRead, Number(match[1]));
    for (const waiter of waiters.filter((w) => w.id <= lastRead)) waiter.resolve();
  });
  process_.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(process_, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const reached = (id: number) => Promise.race([new Promise<void>((resolve) => waiters.push({ id, resolve })), exited.then(() => undefined)]);
  return { process: process_, exited, reached, output: () => output };
}

/** The committed state, read through a separate connection. */
function committed() {
  const store = openStore(databasePath(home));
  try {
    const [instance] = store.instances.list();
    const state = store.syncState.get(instance.config.id);
    const stats = store.db
      .prepare('SELECT COUNT(*) AS rows, COUNT(DISTINCT server_id) AS ids, COALESCE(MAX(server_id), 0) AS maxId FROM changes WHERE instance_id = ? AND epoch = ?')
      .get(instance.config.id, state.epoch) as { rows: number; ids: number; maxId: number };
    const ids = store.mirror.presentServerIds(instance.config.id, state.epoch, 1, Number.MAX_SAFE_INTEGER);
    const hours = store.db.prepare('SELECT COALESCE(SUM(present), 0) FROM change_hours WHERE instance_id = ?').pluck().get(instance.config.id) as number;
    // Queryable whatever the indexes: a filtered timeline page holds the newest rows of that model.
    const page = timelinePage(store.db, { filter: { instanceIds: [instance.config.id], models: ['res.partner'] }, limit: 5 }).rows;
    const newest = store.db.prepare("SELECT server_id FROM changes WHERE model = 'res.partner' ORDER BY ts DESC, id DESC LIMIT 5").pluck().all();
    return { state, stats, ids, hours, page: page.map((row) => row.serverId), newest, missingIndexes: missingReadIndexes(store.db) };
  } finally {
    store.close();
  }
}

it(
  'resumes after 20 SIGKILLs without losing or doubling rows',
  async () => {
    // 20 kill points spread at random over the snapshot: each run is killed a random 0–40 ms after it has
    // read past its point, so kills land between reads, mid-commit and mid-request alike.
    const points = Array.from({ length: KILLS }, () => Math.floor(Math.random() * ROWS)).sort((a, b) => a - b);
    const delays: number[] = [];
    const cursors: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const run = startChild();
      await run.reached(points[kill]);
      const delay = Math.floor(Math.random() * 40);
      delays.push(delay);
      await new Promise((resolve) => setTimeout(resolve, delay)); // the random offset is the test's input
      run.process.kill('SIGKILL');
      await run.exited;
      const { state, stats, hours, page, newest } = committed();
      // Rows and cursor were committed together: nothing above the cursor, nothing doubled.
      expect(stats.maxId, `kill ${kill} at row ${points[kill]} + ${delay} ms`).toBe(state.changeCursor);
      expect(stats.rows).toBe(stats.ids);
      expect(hours).toBe(stats.rows);
      expect(page).toEqual(newest);
      cursors.push(state.snapshotDone ? ROWS : state.changeCursor);
    }
    // The kills must have hit the snapshot, not only the passes after it.
    expect(cursors.filter((cursor) => cursor > 0 && cursor < ROWS).length).toBeGreaterThanOrEqual(10);
    const last = startChild();
    const [code] = await last.exited;
    expect(code, last.output()).toBe(0);
    const { ids, stats, state, missingIndexes } = committed();
    expect(state.snapshotDone).toBe(true);
    expect(missingIndexes).toEqual([]); // a load's deferred indexes are back once the snapshot is done
    expect(stats.rows).toBe(ROWS);
    expect(ids).toEqual(sim.database('big').webhookRows().map((row) => row.id));
    console.log(`kill points (row + ms): ${points.map((point, i) => `${point}+${delays[i]}`).join(', ')}; cursors after each kill: ${cursors.join(', ')}`);
  },
  300_000,
);
