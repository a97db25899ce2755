import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emitter, nextEvent } from '../../../src-main/common/event';
import type { ChangesNotice } from '../../../src-main/common/model';
import { ChangeService } from '../../../src-main/store/queries/change-service';
import { createServices } from '../../../src-main/hosts/services';
import { OcmError } from '../../../src-main/common/errors';
import { createMirrorDatabase, insertChanges } from './fixtures';
import { END, iso } from './test-mirror';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocm-service-'));
  const db = createMirrorDatabase(join(dir, 'mirror.sqlite'));
  db.prepare("INSERT INTO instances (id, name, url, db, login, secret, created_at) VALUES ('a', 'Alpha', 'http://x', 'd', 'l', '', 0)").run();
  insertChanges(db, [
    { instanceId: 'a', model: 'res.partner', recordId: 1, event: 'create', ts: END - 30 },
    { instanceId: 'a', model: 'res.partner', recordId: 1, event: 'write', ts: END - 20 },
    { instanceId: 'a', model: 'sale.order', recordId: 2, event: 'create', ts: END - 10 },
  ]);
  db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ChangeService over a read-only mirror', () => {
  it('answers the contract and relays data notices', async () => {
    const app = await createServices({ dataDir: dir, engine: 'none', readonly: true, keychain: null });
    const notices = new Emitter<ChangesNotice>();
    // The store's read queries behind the contract, on the read-only connection the CLI's query commands use.
    const db = new (await import('better-sqlite3')).default(join(dir, 'mirror.sqlite'), { readonly: true });
    const service = new ChangeService(db, notices.event);
    try {
      expect((await app.services.instances.list({ includeRemoved: true })).map((instance) => instance.name)).toEqual(['Alpha']);
      const page = await service.timeline({ filter: {}, limit: 2 });
      expect(page.rows.map((row) => row.timestamp)).toEqual([iso(END - 10), iso(END - 20)]);
      expect(await service.count({ models: ['res.partner'] })).toBe(2);
      expect((await service.facets({ models: ['res.partner'] })).models).toEqual([{ value: 'res.partner', count: 2 }, { value: 'sale.order', count: 1 }]);
      expect((await service.histogram({})).buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(3);
      expect((await service.recordHistory('a', 'res.partner', 1)).map((row) => row.event)).toEqual(['write', 'create']);
      expect(await service.errors({})).toEqual([]);
      expect(await service.errorGroups({})).toEqual([]);
      await expect(service.timeline({ filter: { to: 'soon' }, limit: 5 })).rejects.toMatchObject({ code: 'invalid-input' });
      const notice = nextEvent(service.onDidChangeData);
      notices.fire({ instanceId: 'a', added: 3, removed: 0 });
      expect(await notice).toEqual({ instanceId: 'a', added: 3, removed: 0 });
    } finally {
      db.close();
      await app.close();
    }
  });

  it('says clearly when there is no mirror yet, and creates nothing', async () => {
    const missing = join(dir, 'missing');
    const error = await createServices({ dataDir: missing, engine: 'none', readonly: true, keychain: null }).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(OcmError);
    expect(error).toMatchObject({ code: 'not-found', message: expect.stringMatching(/no local mirror/) });
    expect(existsSync(missing)).toBe(false);
  });
});
