/** Where the app keeps its data: `OCM_HOME`, or the platform's application-data folder. */
import { homedir } from 'node:os';
import { join, win32, posix } from 'node:path';

/** The folder name under the platform's app-data directory. */
export const APP_FOLDER = 'odoo-change-monitor';

/** The mirror database's file name inside the data directory. */
export const DATABASE_FILE = 'mirror.sqlite';

/**
 * The data directory: `OCM_HOME` when set; otherwise Linux `$XDG_CONFIG_HOME/odoo-change-monitor`
 * (default `~/.config/...`), macOS `~/Library/Application Support/...`, Windows `%APPDATA%\...`.
 */
export function dataDirectory(
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.OCM_HOME) return env.OCM_HOME;
  if (platform === 'win32') return win32.join(env.APPDATA ?? win32.join(home, 'AppData', 'Roaming'), APP_FOLDER);
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', APP_FOLDER);
  return posix.join(env.XDG_CONFIG_HOME || posix.join(home, '.config'), APP_FOLDER);
}

/** The mirror database's path inside `dataDir`. */
export function databasePath(dataDir: string): string {
  return join(dataDir, DATABASE_FILE);
}
