/**
 * The browser search against fake Windows, macOS and Linux install trees laid out in a temporary folder:
 * the same relative places the vendors' installers use, found in order, `$OCM_CHROMIUM` first, and
 * every place reported when nothing is there.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeSearch, findBrowser } from '../../../src-main/reports/browser-finder';

let tree: string;
beforeEach(() => {
  tree = mkdtempSync(join(tmpdir(), 'ocm-browser-tree-'));
});
afterEach(() => rmSync(tree, { recursive: true, force: true }));

/** Creates an executable file at `relative` inside the fake tree; returns its path. */
function install(...relative: string[]): string {
  const path = join(tree, ...relative);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return path;
}

describe('findBrowser on Windows', () => {
  const env = () => ({ LOCALAPPDATA: join(tree, 'Users', 'admin', 'AppData', 'Local'), PROGRAMFILES: join(tree, 'Program Files'), 'PROGRAMFILES(X86)': join(tree, 'Program Files (x86)') });

  it('finds Chrome installed for all users under Program Files', () => {
    const chrome = install('Program Files', 'Google', 'Chrome', 'Application', 'chrome.exe');
    expect(findBrowser({ platform: 'win32', env: env() }).found).toEqual({ name: 'Google Chrome', path: chrome });
  });

  it('prefers a per-user Chrome (LOCALAPPDATA) to Edge, and finds Edge in Program Files (x86) alone', () => {
    const edge = install('Program Files (x86)', 'Microsoft', 'Edge', 'Application', 'msedge.exe');
    expect(findBrowser({ platform: 'win32', env: env() }).found).toEqual({ name: 'Microsoft Edge', path: edge });
    const chrome = install('Users', 'admin', 'AppData', 'Local', 'Google', 'Chrome', 'Application', 'chrome.exe');
    expect(findBrowser({ platform: 'win32', env: env() }).found).toEqual({ name: 'Google Chrome', path: chrome });
  });

  it('reads the folder variables in any case, as Windows does', () => {
    const brave = install('Program Files', 'BraveSoftware', 'Brave-Browser', 'Application', 'brave.exe');
    expect(findBrowser({ platform: 'win32', env: { ProgramFiles: join(tree, 'Program Files') } }).found).toEqual({ name: 'Brave', path: brave });
  });

  it('reports every place it looked when nothing is installed', () => {
    const result = findBrowser({ platform: 'win32', env: env() });
    expect(result.found).toBeUndefined();
    const lines = describeSearch(result.searched);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(
      `Google Chrome: ${['Users/admin/AppData/Local', 'Program Files', 'Program Files (x86)'].map((folder) => join(tree, ...folder.split('/'), 'Google', 'Chrome', 'Application', 'chrome.exe')).join(', ')}`,
    );
    expect(lines[2]).toContain(join(tree, 'Program Files (x86)', 'Microsoft', 'Edge', 'Application', 'msedge.exe'));
  });
});

describe('findBrowser on macOS', () => {
  it('finds Chrome in /Applications, then Edge or Brave, and a per-user install in ~/Applications', () => {
    const home = join(tree, 'Users', 'admin');
    expect(findBrowser({ platform: 'darwin', root: tree, homeDir: home, env: {} }).found).toBeUndefined();
    const brave = install('Applications', 'Brave Browser.app', 'Contents', 'MacOS', 'Brave Browser');
    expect(findBrowser({ platform: 'darwin', root: tree, homeDir: home, env: {} }).found).toEqual({ name: 'Brave', path: brave });
    const chrome = install('Users', 'admin', 'Applications', 'Google Chrome.app', 'Contents', 'MacOS', 'Google Chrome');
    expect(findBrowser({ platform: 'darwin', root: tree, homeDir: home, env: {} }).found).toEqual({ name: 'Google Chrome', path: chrome });
  });

  it('says which app bundles it looked for', () => {
    const lines = describeSearch(findBrowser({ platform: 'darwin', root: tree, homeDir: join(tree, 'home'), env: {} }).searched);
    expect(lines[2]).toBe(`Microsoft Edge: ${join(tree, 'Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge')}, ${join(tree, 'home/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge')}`);
  });
});

describe('findBrowser on Linux', () => {
  it('looks the commands up on PATH, then in the vendors’ own folders', () => {
    const bin = join(tree, 'usr', 'bin');
    const env = { PATH: [join(tree, 'nowhere'), bin].join(delimiter) };
    expect(findBrowser({ platform: 'linux', root: tree, env }).found).toBeUndefined();
    const edge = install('opt', 'microsoft', 'msedge', 'msedge');
    expect(findBrowser({ platform: 'linux', root: tree, env }).found).toEqual({ name: 'Microsoft Edge', path: edge });
    const chromium = install('usr', 'bin', 'chromium');
    expect(findBrowser({ platform: 'linux', root: tree, env }).found).toEqual({ name: 'Chromium', path: chromium });
    const chrome = install('usr', 'bin', 'google-chrome');
    expect(findBrowser({ platform: 'linux', root: tree, env }).found).toEqual({ name: 'Google Chrome', path: chrome });
  });

  it('skips files that are not executable', () => {
    const path = install('usr', 'bin', 'chromium');
    chmodSync(path, 0o644);
    expect(findBrowser({ platform: 'linux', root: tree, env: { PATH: join(tree, 'usr', 'bin') } }).found).toBeUndefined();
  });

  it('names the commands and folders it tried', () => {
    const lines = describeSearch(findBrowser({ platform: 'linux', root: tree, env: { PATH: '' } }).searched);
    expect(lines[1]).toBe(`Chromium: chromium or chromium-browser on PATH, ${join(tree, 'snap', 'bin', 'chromium')}`);
  });
});

describe('OCM_CHROMIUM', () => {
  it('wins over every installed browser', () => {
    install('Program Files', 'Google', 'Chrome', 'Application', 'chrome.exe');
    const chosen = install('portable', 'chrome.exe');
    const result = findBrowser({ platform: 'win32', env: { OCM_CHROMIUM: chosen, PROGRAMFILES: join(tree, 'Program Files') } });
    expect(result.found).toEqual({ name: 'OCM_CHROMIUM', path: chosen });
  });

  it('is not replaced by another browser when it names nothing, and the search says so', () => {
    install('usr', 'bin', 'chromium');
    const result = findBrowser({ platform: 'linux', root: tree, env: { OCM_CHROMIUM: join(tree, 'missing'), PATH: join(tree, 'usr', 'bin') } });
    expect(result.found).toBeUndefined();
    expect(describeSearch(result.searched)).toEqual([`OCM_CHROMIUM: ${join(tree, 'missing')}`]);
  });
});
