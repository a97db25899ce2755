// Runs Electron's binary download ourselves (package.json denies Electron's own install script) so that
// `npm install` installs the desktop shell where it can be downloaded and still succeeds where it cannot
// (offline or locked-down machines): browser mode, the CLI and the tests need no Electron binary.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

function electronInstallScript() {
  try {
    return join(dirname(require.resolve('electron/package.json')), 'install.js');
  } catch {
    return undefined; // Electron is a dev dependency: absent in `npm install --omit=dev`.
  }
}

const script = electronInstallScript();
if (!script || !existsSync(script) || process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) process.exit(0);

const result = spawnSync(process.execPath, [script], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
if (result.status === 0) {
  console.log('odoo-change-monitor: Electron is installed; `npm run desktop` opens the desktop app.');
} else {
  const reason = (result.stderr || '').split('\n').find((line) => line.trim()) ?? 'unknown error';
  console.warn(
    `odoo-change-monitor: the Electron binary could not be downloaded (${reason.trim()}).\n` +
      '  The desktop shell is unavailable on this machine; everything else works: `npm start` runs the app\n' +
      '  in browser mode. Run `node node_modules/electron/install.js` later to add the desktop shell.',
  );
}
