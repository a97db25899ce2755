/**
 * Finds a Chromium-based browser already installed on the workstation (Google Chrome, Chromium,
 * Microsoft Edge, Brave) to print PDF reports with in browser mode and the CLI. `$OCM_CHROMIUM` wins
 * when set. The places are those the vendors' installers use (the same as chrome-launcher's, plus Edge
 * and Brave), and every one is reported back, so "no browser found" can say where it looked.
 *
 * The search reads only the environment, the platform and the file system it is given, so tests lay out
 * fake Windows, macOS and Linux install trees under a temporary folder.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { BrowserLocation, BrowserSearch } from '../common/model';

/** What the search looks at; every field defaults to the running process's. */
export interface BrowserSearchOptions {
  /** Whose install layout to search (default `process.platform`; anything not Windows or macOS searches like Linux). */
  platform?: NodeJS.Platform;
  /** Environment: OCM_CHROMIUM, PATH, and on Windows LOCALAPPDATA, PROGRAMFILES, PROGRAMFILES(X86). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Prefix of the fixed system folders (/Applications, /opt, /snap): a fake install tree in tests. */
  root?: string;
  /** The user's home folder (macOS ~/Applications); default `os.homedir()`. */
  homeDir?: string;
}

/** The outcome of a search: the browser to use, if any, and every place that was looked at, in order. */
export interface BrowserSearchResult {
  found?: { name: string; path: string };
  searched: BrowserSearch[];
}

/** The variable that names the browser to use, checked before anything else. */
export const BROWSER_VARIABLE = 'OCM_CHROMIUM';

/** Finds the browser to print PDFs with; `found` is absent when there is none. */
export function findBrowser(options: BrowserSearchOptions = {}): BrowserSearchResult {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const configured = variable(env, BROWSER_VARIABLE, platform);
  if (configured) {
    // An explicit choice is never second-guessed: a wrong path is reported, not replaced by another browser.
    const searched: BrowserSearch[] = [{ browser: BROWSER_VARIABLE, locations: [{ kind: 'file', path: configured }] }];
    return isExecutable(configured, platform) ? { found: { name: BROWSER_VARIABLE, path: configured }, searched } : { searched };
  }
  const searched = browserLocations({ ...options, platform, env });
  for (const search of searched) {
    for (const location of search.locations) {
      const path = resolveLocation(location, env, platform);
      if (path) return { found: { name: search.browser, path }, searched };
    }
  }
  return { searched };
}

/** Where each browser is looked for on `options.platform`, most common first. */
export function browserLocations(options: BrowserSearchOptions = {}): BrowserSearch[] {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const root = options.root ?? '';
  if (platform === 'win32') {
    // Per-user installs (LOCALAPPDATA) first: that is where Chrome goes without admin rights.
    const folders = ['LOCALAPPDATA', 'PROGRAMFILES', 'PROGRAMFILES(X86)']
      .map((name) => variable(env, name, platform))
      .filter((folder): folder is string => Boolean(folder));
    const under = (...relative: string[]): BrowserLocation[] => unique(folders.map((folder) => join(folder, ...relative))).map(file);
    return [
      { browser: 'Google Chrome', locations: under('Google', 'Chrome', 'Application', 'chrome.exe') },
      { browser: 'Chromium', locations: under('Chromium', 'Application', 'chrome.exe') },
      { browser: 'Microsoft Edge', locations: under('Microsoft', 'Edge', 'Application', 'msedge.exe') },
      { browser: 'Brave', locations: under('BraveSoftware', 'Brave-Browser', 'Application', 'brave.exe') },
    ];
  }
  if (platform === 'darwin') {
    const home = options.homeDir ?? variable(env, 'HOME', platform) ?? homedir();
    const app = (bundle: string, executable: string): BrowserLocation[] =>
      [join(root || '/', 'Applications'), join(home, 'Applications')].map((folder) => file(join(folder, bundle, 'Contents', 'MacOS', executable)));
    return [
      { browser: 'Google Chrome', locations: app('Google Chrome.app', 'Google Chrome') },
      { browser: 'Chromium', locations: app('Chromium.app', 'Chromium') },
      { browser: 'Microsoft Edge', locations: app('Microsoft Edge.app', 'Microsoft Edge') },
      { browser: 'Brave', locations: app('Brave Browser.app', 'Brave Browser') },
    ];
  }
  const system = (...parts: string[]): BrowserLocation => file(join(root || '/', ...parts));
  return [
    { browser: 'Google Chrome', locations: [command('google-chrome-stable', 'google-chrome'), system('opt', 'google', 'chrome', 'chrome')] },
    { browser: 'Chromium', locations: [command('chromium', 'chromium-browser'), system('snap', 'bin', 'chromium')] },
    { browser: 'Microsoft Edge', locations: [command('microsoft-edge-stable', 'microsoft-edge'), system('opt', 'microsoft', 'msedge', 'msedge')] },
    { browser: 'Brave', locations: [command('brave-browser', 'brave-browser-stable', 'brave'), system('opt', 'brave.com', 'brave', 'brave')] },
  ];
}

/** The search on one line per browser, for messages: "Google Chrome: /opt/google/chrome/chrome, google-chrome on PATH". */
export function describeSearch(searched: readonly BrowserSearch[]): string[] {
  return searched.map((search) => `${search.browser}: ${search.locations.map(describeLocation).join(', ')}`);
}

function describeLocation(location: BrowserLocation): string {
  return location.kind === 'file' ? location.path : `${location.names.join(' or ')} on PATH`;
}

function file(path: string): BrowserLocation {
  return { kind: 'file', path };
}

function command(...names: string[]): BrowserLocation {
  return { kind: 'path-command', names };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** The executable a location points at, or undefined when there is none. */
function resolveLocation(location: BrowserLocation, env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform): string | undefined {
  if (location.kind === 'file') return isExecutable(location.path, platform) ? location.path : undefined;
  const folders = (variable(env, 'PATH', platform) ?? '').split(delimiter).filter(Boolean);
  for (const name of location.names) {
    for (const folder of folders) {
      const path = join(folder, name);
      if (isExecutable(path, platform)) return path;
    }
  }
  return undefined;
}

/** A regular file that may be run (Windows has no execute bit: existing is enough). */
function isExecutable(path: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    if (platform !== 'win32' && process.platform !== 'win32') accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** An environment variable, by any case on Windows (where `Path` and `PATH` are one variable). */
function variable(env: Readonly<Record<string, string | undefined>>, name: string, platform: NodeJS.Platform): string | undefined {
  if (env[name]) return env[name];
  if (platform !== 'win32') return undefined;
  const key = Object.keys(env).find((candidate) => candidate.toUpperCase() === name);
  return key ? env[key] || undefined : undefined;
}
