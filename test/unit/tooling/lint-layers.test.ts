import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const script = join(__dirname, '..', '..', '..', 'scripts', 'lint-layers.mjs');
let tree: string;

function file(path: string, text: string): void {
  mkdirSync(dirname(join(tree, path)), { recursive: true });
  writeFileSync(join(tree, path), text);
}

function lint(): { status: number; output: string } {
  try {
    return { status: 0, output: execFileSync(process.execPath, [script, tree], { encoding: 'utf8' }) };
  } catch (error) {
    const failure = error as { status: number; stdout: string };
    return { status: failure.status, output: failure.stdout };
  }
}

afterEach(() => rmSync(tree, { recursive: true, force: true }));

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
});
