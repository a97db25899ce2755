import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const script = join(__dirname, '..', '..', '..', 'scripts', 'lint-layers.mjs');
let tree: string;

function file(path: string, text: string): void {
  mkdirSync(dirname(join(tree, path)), { recursive: true });
  writeFileSync(join(tree, path), text);
}

function lint(folder = tree): { status: number; output: string } {
  try {
    return { status: 0, output: execFileSync(process.execPath, [script, folder], { encoding: 'utf8' }) };
  } catch (error) {
    const failure = error as { status: number; stdout: string };
    return { status: failure.status, output: failure.stdout };
  }
}

afterEach(() => {
  if (tree) rmSync(tree, { recursive: true, force: true });
  tree = '';
});

describe('layer lint', () => {
  it('accepts a tree that follows the layering', () => {
    tree = mkdtempSync(join(tmpdir(), 'ocm-lint-'));
    file('src-main/common/a.ts', "import { b } from './b';\nexport const a = b;");
    file('src-main/common/b.ts', 'export const b = 1;');
    file('src-renderer/app.tsx', "import { a } from '../src-main/common/a';\nimport { useState } from 'react';");
    file('src-main/hosts/electron/main.ts', "import { app } from 'electron';");
    expect(lint()).toMatchObject({ status: 0 });
  });

  it('reports each kind of violation with its file', () => {
    tree = mkdtempSync(join(tmpdir(), 'ocm-lint-'));
    file('src-main/common/a.ts', "import { readFileSync } from 'node:fs';\nimport { x } from '../store/x';");
    file('src-renderer/app.tsx', "import Database from 'better-sqlite3';\nimport { s } from '../src-main/store/s';\nimport { ipcRenderer } from 'electron';");
    file('src-main/sync/engine.ts', "import { BrowserWindow } from 'electron';\nimport { App } from '../../src-renderer/app';");
    file('src-main/hosts/updates/check.ts', "import updater from 'electron-updater';");
    const { status, output } = lint();
    expect(status).toBe(1);
    expect(output).toContain("src-main/common/a.ts: common must not import 'node:fs'");
    expect(output).toContain('src-main/common/a.ts: common must not import outside common');
    expect(output).toContain("src-renderer/app.tsx: renderer must not import 'better-sqlite3'");
    expect(output).toContain('src-renderer/app.tsx: renderer may import only src-renderer and src-main/common');
    expect(output).toContain("src-renderer/app.tsx: renderer must not import 'electron'");
    expect(output).toContain("src-main/sync/engine.ts: only src-main/hosts/electron may import 'electron'");
    expect(output).toContain('src-main/sync/engine.ts: src-main must not import the renderer');
    expect(output).toContain("src-main/hosts/updates/check.ts: only src-main/hosts/electron may import 'electron-updater'");
    expect(output).toContain('layers: 8 violation(s)');
  });

  it('accepts the repository as it is', () => {
    expect(lint(resolve(__dirname, '..', '..', '..'))).toMatchObject({ status: 0, output: expect.stringContaining('no violations') });
  });

  it('accepts imports down the order inside src-main', () => {
    tree = mkdtempSync(join(tmpdir(), 'ocm-lint-'));
    file('src-main/odoo/client.ts', "import { a } from '../common/a';");
    file('src-main/store/store.ts', "import { a } from '../common/a';");
    for (const feature of ['sync', 'admin', 'reports', 'config', 'alerts']) file(`src-main/${feature}/x.ts`, "import { c } from '../odoo/client';\nimport { s } from '../store/store';");
    file('src-main/simulator/index.ts', "import http from 'node:http';\nimport { t } from './table';");
    file('src-main/hosts/services.ts', ['sync', 'admin', 'reports', 'config', 'alerts'].map((name) => `import { x as ${name} } from '../${name}/x';`).join('\n') + "\nimport { s } from '../simulator/index';");
    expect(lint()).toMatchObject({ status: 0 });
  });

  it.each([
    ['src-main/odoo/client.ts', "import type { Store } from '../store/store';", 'odoo and store never import each other'],
    ['src-main/store/repositories/state.ts', "import type { Capabilities } from '../../odoo/types';", 'odoo and store never import each other'],
    ['src-main/store/store.ts', "import { SyncScheduler } from '../sync/scheduler';", 'store sits below sync'],
    ['src-main/sync/pass.ts', "import { AdminService } from '../admin/admin-service';", 'sync, admin, reports, config, alerts, accounts, remote do not import one another: sync must not import admin'],
    ['src-main/admin/ports.ts', "import type { ReportService } from '../reports/report-service';", 'sync, admin, reports, config, alerts, accounts, remote do not import one another: admin must not import reports'],
    ['src-main/reports/data.ts', "import { SyncService } from '../sync/sync-service';", 'sync, admin, reports, config, alerts, accounts, remote do not import one another: reports must not import sync'],
    ['src-main/config/secrets.ts', "import type { SyncTarget } from '../sync/backend';", 'sync, admin, reports, config, alerts, accounts, remote do not import one another: config must not import sync'],
    ['src-main/accounts/policy.ts', "import { SyncService } from '../sync/sync-service';", 'sync, admin, reports, config, alerts, accounts, remote do not import one another: accounts must not import sync'],
    ['src-main/remote/composite.ts', "import type { Principal } from '../accounts/sessions';", 'sync, admin, reports, config, alerts, accounts, remote do not import one another: remote must not import accounts'],
    ['src-main/accounts/users.ts', "import { connectOdoo } from '../odoo/connection';", 'accounts sits below odoo: it may import only common, store'],
    ['src-main/alerts/dispatcher.ts', "import { SyncService } from '../sync/sync-service';", 'sync, admin, reports, config, alerts, accounts, remote do not import one another: alerts must not import sync'],
    ['src-main/store/alert-queue.ts', "import { AlertService } from '../alerts/alert-service';", 'store sits below alerts'],
    ['src-main/sync/index.ts', "import { createServices } from '../hosts/services';", 'only hosts composes: sync must not import hosts'],
    ['src-main/odoo/faults.ts', "import { OcmError } from '../common/errors';\nimport { startSimulator } from '../simulator/index';", 'only hosts may use the simulator: odoo must not import it'],
    ['src-main/simulator/http-server.ts', "import { openStore } from '../store/store';", 'simulator sits below store'],
    ['src-main/common/a.ts', "import { x } from '../sync/x';", 'common must not import outside common'],
    ['src-main/extras/thing.ts', "import { a } from '../common/a';", 'src-main/extras is not in the layer order'],
  ])('fails %s on a synthetic violation', (path, source, problem) => {
    tree = mkdtempSync(join(tmpdir(), 'ocm-lint-'));
    file(path, source);
    const { status, output } = lint();
    expect(status).toBe(1);
    expect(output).toContain(`${path}: ${problem}`);
  });
});
