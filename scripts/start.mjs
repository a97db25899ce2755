// `npm start`: builds the workbench once if needed, then runs the app in browser mode (`ocm ui`), which
// works on every machine (the desktop shell is `npm run desktop`). With no instance configured the app
// opens on the built-in demo instance.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const builtIndex = join(root, 'out', 'renderer', 'index.html');

function newestSourceTime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceTime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const stale = !existsSync(builtIndex) || statSync(builtIndex).mtimeMs < newestSourceTime(join(root, 'src-renderer'));
if (stale) {
  console.log('Building the workbench…');
  const build = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '-c', 'vite.renderer.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const app = spawnSync(process.execPath, [join(root, 'bin', 'ocm.js'), 'ui', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(app.status ?? 0);
