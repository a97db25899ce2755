// `npm run dist [-- electron-builder options]`: builds the desktop app (electron-vite) and the installer
// for this OS with electron-builder (electron-builder.config.mjs), e.g. `npm run dist -- --publish always`.
//
// electron-builder rebuilds better-sqlite3 for Electron's ABI where it is installed, i.e. in this
// checkout's node_modules; the CLI, browser mode and the tests need the Node build there. So the Node
// build is set aside first and put back afterwards, whether packaging succeeded or not.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const bin = (name, file) => join(dirname(require.resolve(`${name}/package.json`)), file);

function run(script, args) {
  const result = spawnSync(process.execPath, [script, ...args], { cwd: root, stdio: 'inherit' });
  return result.status ?? 1;
}

let status = run(bin('electron-vite', 'bin/electron-vite.js'), ['build']);
if (status === 0) {
  const nodeBuild = join(dirname(require.resolve('better-sqlite3/package.json')), 'build');
  const saved = mkdtempSync(join(tmpdir(), 'ocm-sqlite-node-build-'));
  if (existsSync(nodeBuild)) cpSync(nodeBuild, join(saved, 'build'), { recursive: true });
  try {
    status = run(bin('electron-builder', 'cli.js'), ['--config', 'electron-builder.config.mjs', ...process.argv.slice(2)]);
  } finally {
    if (existsSync(join(saved, 'build'))) {
      rmSync(nodeBuild, { recursive: true, force: true });
      cpSync(join(saved, 'build'), nodeBuild, { recursive: true });
    }
    rmSync(saved, { recursive: true, force: true });
  }
}
process.exit(status);
