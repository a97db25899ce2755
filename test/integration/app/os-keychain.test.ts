/**
 * The real OS keychain on Linux: a private D-Bus session with gnome-keyring's Secret Service (when the
 * machine has `dbus-run-session` and `gnome-keyring-daemon`; skipped otherwise, e.g. on CI). Saved
 * passwords are then encrypted under a key kept in the keychain, and no key file is written.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const tools = ['/usr/bin/dbus-run-session', '/usr/bin/gnome-keyring-daemon'];
const missing = process.platform !== 'linux' ? 'not Linux' : tools.filter((tool) => !existsSync(tool)).join(', ');
const child = fileURLToPath(new URL('./keychain-child.ts', import.meta.url));

it.skipIf(missing !== '')(`keeps the key in the Secret Service when one answers${missing ? ` [skipped: ${missing} missing]` : ''}`, () => {
  // A fresh keyring in a folder of its own, unlocked with a throwaway password, inside a session that ends with the command.
  const home = mkdtempSync(join(tmpdir(), 'ocm-keyring-'));
  try {
    const script = `printf 'throwaway' | gnome-keyring-daemon --unlock --components=secrets >/dev/null && gnome-keyring-daemon --start --components=secrets >/dev/null && exec "${process.execPath}" --import tsx "${child}"`;
    const env = { ...process.env, HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_RUNTIME_DIR: home };
    const output = execFileSync('dbus-run-session', ['--', 'sh', '-c', script], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
    expect(JSON.parse(output)).toEqual({ secretStorage: 'os-keychain', tested: 'through-the-keychain', keychainEntry: true, files: expect.not.arrayContaining(['secret.key']) });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
