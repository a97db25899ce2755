// Puts a better-sqlite3 binding built for this Electron version in out/native/, for the desktop shell.
// node_modules keeps its Node build (the CLI, browser mode and the tests run on Node); the Electron host
// points better-sqlite3 at this copy through OCM_SQLITE_BINDING. Like better-sqlite3's own install, it
// fetches the prebuilt binary (prebuild-install) and compiles from source when there is none.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'out', 'native', 'better_sqlite3.node');
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const stamp = `${target}.electron-${electronVersion}`;

if (existsSync(target) && existsSync(stamp)) process.exit(0);

const work = mkdtempSync(join(tmpdir(), 'ocm-electron-sqlite-'));
try {
  const copy = join(work, 'better-sqlite3');
  cpSync(dirname(require.resolve('better-sqlite3/package.json')), copy, { recursive: true });
  rmSync(join(copy, 'build'), { recursive: true, force: true });
  const electron = ['--runtime', 'electron', '--target', electronVersion];
  let result = spawnSync(process.execPath, [require.resolve('prebuild-install/bin.js'), ...electron], { cwd: copy, stdio: 'inherit' });
  if (result.status !== 0) {
    console.log(`No prebuilt better-sqlite3 for Electron ${electronVersion}: compiling it.`);
    // npm ships node-gyp; under `npm run` npm_execpath says where npm is.
    const npmDir = process.env.npm_execpath ? join(dirname(process.env.npm_execpath), '..') : undefined;
    const nodeGyp = npmDir && join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    const gypArgs = ['rebuild', '--release', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers'];
    // A configured nodedir (Node's own headers) would build for Node's ABI, not Electron's: drop it.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.toLowerCase() !== 'npm_config_nodedir'));
    result = nodeGyp && existsSync(nodeGyp)
      ? spawnSync(process.execPath, [nodeGyp, ...gypArgs], { cwd: copy, stdio: 'inherit', env })
      : spawnSync('npx', ['--yes', 'node-gyp', ...gypArgs], { cwd: copy, stdio: 'inherit', env, shell: process.platform === 'win32' });
  }
  const built = join(copy, 'build', 'Release', 'better_sqlite3.node');
  if (result.status !== 0 || !existsSync(built)) {
    console.error('Could not build better-sqlite3 for Electron; the desktop shell needs it (browser mode does not: `npm start`).');
    process.exit(1);
  }
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(built, target);
  writeFileSync(stamp, ''); // records which Electron version the binding is for
  console.log(`better-sqlite3 for Electron ${electronVersion}: ${target}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
