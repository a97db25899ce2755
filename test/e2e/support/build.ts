/** Builds the renderer once when `out/renderer/index.html` is missing (e2e suites and benchmarks). */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, STATIC_DIR } from './app';

/** Builds the renderer with Vite unless it is already built (set OCM_REBUILD=1 to force). */
export function ensureRendererBuilt(): void {
  if (existsSync(join(STATIC_DIR, 'index.html')) && !process.env.OCM_REBUILD) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '-c', 'vite.renderer.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
}
