/** Shared set-up of the admin tests: a migrated SQLite journal, instances, mirrored rows and a service. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ChangeEvent, ChangeRow, InstanceConfig } from '../../../src-main/common/model';
import { AdminService, type AdminServiceOptions } from '../../../src-main/admin/admin-service';
import { JournalRepository } from '../../../src-main/store/repositories/journal';
import type { AdminRowSource, RowMarker } from '../../../src-main/admin/ports';
import { MIGRATIONS } from '../../../src-main/store/schema';
import { FakeOdooClient } from './fake-odoo';

export function instance(overrides: Partial<InstanceConfig> = {}): InstanceConfig {
  return {
    id: 'i1',
    name: 'Test ERP',
    url: 'http://fake.test',
    db: 'fake',
    login: 'demo',
    transport: 'xmlrpc',
    production: false,
    demo: false,
    pollIntervalSeconds: 30,
    createdAt: '2026-11-01T00:00:00Z',
    ...overrides,
  };
}

/** A mirrored row with local key `k<serverId>`. */
export function mirrorRow(serverId: number, model: string, recordId: number, event: ChangeEvent, options: { instanceId?: string; removed?: boolean } = {}): ChangeRow {
  const row: ChangeRow = {
    key: `k${serverId}`,
    instanceId: options.instanceId ?? 'i1',
    serverId,
    model,
    recordId,
    event,
    timestamp: '2026-11-01T00:00:00Z',
    firstSeenAt: '2026-11-01T00:00:00Z',
  };
  if (options.removed) {
    row.removedAt = '2026-11-02T00:00:00Z';
    row.removedBy = 'server';
  }
  return row;
}

/** In-memory mirror rows: filter by model and event only (what the tests use). */
export function memoryRows(rows: ChangeRow[]): AdminRowSource {
  return {
    rowsByKeys: (keys) => rows.filter((row) => keys.includes(row.key)),
    rowsByServerIds: (instanceId, serverIds) => rows.filter((row) => row.instanceId === instanceId && !row.removedAt && serverIds.includes(row.serverId)),
    rows: (filter) =>
      rows.filter(
        (row) =>
          (!filter.instanceIds || filter.instanceIds.includes(row.instanceId)) &&
          (!filter.models || filter.models.includes(row.model)) &&
          (!filter.events || filter.events.includes(row.event)) &&
          (filter.presence !== 'present' || !row.removedAt),
      ),
  };
}

/** A marker that records what it was asked to mark. */
export function recordingMarker(): RowMarker & { marked: number[] } {
  const marked: number[] = [];
  return {
    marked,
    markRemovedByUser(_instanceId, serverIds) {
      marked.push(...serverIds);
      return serverIds.length;
    },
  };
}

export interface Harness {
  service: AdminService;
  client: FakeOdooClient;
  journal: JournalRepository;
  marker: ReturnType<typeof recordingMarker>;
  close(): void;
}

/** A service over a fake server, in-memory mirror rows and a real SQLite journal. */
export function harness(options: { instances?: InstanceConfig[]; rows?: ChangeRow[]; threshold?: number; service?: Partial<AdminServiceOptions> } = {}): Harness {
  const dir = mkdtempSync(path.join(tmpdir(), 'ocm-admin-'));
  const db = new Database(path.join(dir, 'mirror.sqlite'));
  for (const migration of MIGRATIONS) db.exec(migration.sql);
  const journal = new JournalRepository(db);
  const client = new FakeOdooClient();
  const marker = recordingMarker();
  const instances = options.instances ?? [instance()];
  const service = new AdminService({
    instances: { get: (id) => instances.find((candidate) => candidate.id === id) },
    clients: { clientFor: async () => client },
    rows: memoryRows(options.rows ?? []),
    marker,
    journal,
    settings: { get: async () => ({ deleteConfirmThreshold: options.threshold ?? 100 }) },
    actor: (target) => `tester as ${target.login}`,
    now: () => new Date('2026-11-30T12:00:00Z'),
    ...options.service,
  });
  return {
    service,
    client,
    journal,
    marker,
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
