/** A real store file with two instances, mirrored changes over three days and some error rows. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChangeEvent } from '../../../src-main/common/model';
import { openStore, type Store } from '../../../src-main/store/store';
import type { MirrorChange } from '../../../src-main/store/repositories/mirror';

const MODELS = ['sale.order', 'product.template', 'product.category', 'res.partner', 'account.move', 'account.journal', 'hr.expense', 'stock.picking', 'purchase.order', 'hr.employee'];
const EVENTS: ChangeEvent[] = ['create', 'write', 'write', 'unlink'];
/** 2026-11-01T00:00:00Z. */
export const SEED_START = Date.UTC(2026, 10, 1) / 1000;

export interface SeededStore {
  store: Store;
  dir: string;
  close(): void;
}

/** Seeds `perInstance` rows on each of two instances ('main' = "Main ERP", 'branch' = "فرع الرياض"). */
export function seededStore(perInstance = 3000): SeededStore {
  const dir = mkdtempSync(path.join(tmpdir(), 'ocm-reports-it-'));
  const store = openStore(path.join(dir, 'mirror.sqlite'));
  const instances = [
    { id: 'main', name: 'Main ERP' },
    { id: 'branch', name: 'فرع الرياض' },
  ];
  for (const instance of instances) {
    store.instances.insert(
      instance.id,
      { name: instance.name, url: 'http://127.0.0.1:1', db: 'seed', login: 'admin', secret: 'unused', transport: 'xmlrpc', production: false, demo: false, pollIntervalSeconds: 30 },
      SEED_START,
    );
    const rows: MirrorChange[] = [];
    for (let index = 0; index < perInstance; index++) {
      // Busy mornings, quiet nights; a few records change again and again.
      const ts = SEED_START + Math.floor((index / perInstance) * 3 * 86400);
      const hot = index % 17 === 0;
      rows.push({
        serverId: index + 1,
        model: MODELS[(index * 7) % MODELS.length],
        recordId: hot ? 42 + (index % 3) : 1000 + index,
        event: EVENTS[index % EVENTS.length],
        ts,
      });
    }
    store.mirror.insertChanges(instance.id, 0, rows, { changeCursor: perInstance }, SEED_START + 3 * 86400);
    store.mirror.insertErrors(
      instance.id,
      0,
      Array.from({ length: 30 }, (_, index) => ({
        serverId: index + 1,
        model: 'res.partner',
        recordId: 60 + index,
        message: index % 3 === 0 ? `Timeout calling https://hooks.example.com/${index} for res.partner ${60 + index}` : `HTTP 502 from webhook for sale.order ${index}`,
        ts: SEED_START + index * 3600,
      })),
      { errorCursor: 30 },
      SEED_START + 3 * 86400,
    );
  }
  return {
    store,
    dir,
    close() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
