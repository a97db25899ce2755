// `npm run smoke:packaged`: starts the app `npm run dist` packaged for this OS (dist/*-unpacked, or the
// .app on macOS) against a fresh data folder with OCM_SMOKE_TEST=1, and passes when it reports that it
// opened the demo instance (src-main/hosts/electron/smoke-test.ts). Linux without a display runs it
// under xvfb-run. Exits 1 with the app's output otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const product = 'Odoo Change Monitor';
const candidates = {
  linux: [join(root, 'dist', 'linux-unpacked', 'odoo-change-monitor')],
  win32: [join(root, 'dist', 'win-unpacked', `${product}.exe`)],
  darwin: ['mac-universal', 'mac-arm64', 'mac'].map((folder) => join(root, 'dist', folder, `${product}.app`, 'Contents', 'MacOS', product)),
}[process.platform] ?? [];
const executable = candidates.find((path) => existsSync(path));
if (!executable) {
  console.error(`smoke: no packaged app found (looked for ${candidates.join(', ')}); run \`npm run dist\` first.`);
  process.exit(1);
}

const home = mkdtempSync(join(tmpdir(), 'ocm-smoke-'));
// CI runners allow no setuid sandbox helper nor unprivileged user namespaces: the sandbox stays on in normal use.
const args = process.platform === 'linux' ? ['--no-sandbox'] : [];
const [command, commandArgs] = process.platform === 'linux' && !process.env.DISPLAY ? ['xvfb-run', ['-a', executable, ...args]] : [executable, args];
console.log(`smoke: starting ${executable}`);
const result = spawnSync(command, commandArgs, {
  env: { ...process.env, OCM_SMOKE_TEST: '1', OCM_HOME: home, ELECTRON_ENABLE_LOGGING: '1' },
  encoding: 'utf8',
  timeout: 180_000,
});
rmSync(home, { recursive: true, force: true });
const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
const verdict = output.split('\n').find((line) => line.startsWith('smoke: '));
if (result.status === 0 && verdict?.startsWith('smoke: ok')) {
  console.log(verdict);
} else {
  console.error(result.error ? `smoke: could not run the app: ${result.error.message}` : `smoke: the app exited ${result.status ?? result.signal}`);
  console.error(output.slice(-4000));
  process.exit(1);
}
