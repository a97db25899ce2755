/**
 * The composition root as the hosts use it: a fresh data directory opens on the built-in demo instance
 * with live data, removing the demo is remembered, and the workbench cannot choose where exports land.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nextEvent } from '../../../src-main/common/event';
import { createServices } from '../../../src-main/hosts/services';
import { DEMO_INSTANCE_NAME } from '../../../src-main/hosts/demo-instance';

const dataDir = mkdtempSync(join(tmpdir(), 'ocm-app-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('createServices', () => {
  it('opens on the demo instance with live data, and remembers that the user removed it', async () => {
    const app = await createServices({ dataDir, demo: true, keychain: null, timing: { fastMs: 300 } });
    try {
      const arrived = nextEvent(app.services.changes.onDidChangeData, (notice) => notice.added > 0);
      const errorsMirrored = nextEvent(app.services.sync.onDidChangeStatus, (status) => status.errorCount > 0);
      const [demo, ...others] = await app.services.instances.list();
      expect(others).toEqual([]);
      expect(demo).toMatchObject({ name: DEMO_INSTANCE_NAME, demo: true, db: 'seed' });
      const notice = await arrived;
      expect(notice.instanceId).toBe(demo.id);
      expect(await app.services.changes.count({ instanceIds: [demo.id] })).toBeGreaterThanOrEqual(notice.added);
      expect((await app.services.host.info()).secretStorage).toBe('local-key-file');
      // The demo runs our addon's flavour: its error log is readable and already holds a few failures.
      expect(await errorsMirrored).toMatchObject({ instanceId: demo.id, errorLog: 'readable' });
      expect((await app.services.changes.errorGroups({ instanceIds: [demo.id] })).length).toBeGreaterThanOrEqual(2);

      await app.services.instances.remove(demo.id, { keepHistory: false });
    } finally {
      await app.close();
    }
    const reopened = await createServices({ dataDir, demo: true, keychain: null });
    try {
      expect(await reopened.services.instances.list()).toEqual([]);
    } finally {
      await reopened.close();
    }
  });

  it('writes workbench exports into the downloads folder, whatever path the request names', async () => {
    const app = await createServices({ dataDir, keychain: null });
    const elsewhere = join(tmpdir(), `ocm-not-here-${process.pid}.csv`);
    try {
      const result = await app.services.reports.export({ format: 'csv', filter: {}, outPath: elsewhere });
      expect(result.path?.startsWith(join(dataDir, 'downloads'))).toBe(true);
      expect(existsSync(result.path!)).toBe(true);
      expect(existsSync(elsewhere)).toBe(false);
    } finally {
      await app.close();
    }
  });
});
