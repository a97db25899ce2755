#!/usr/bin/env node
// The `ocm` command. An installed package (`npm pack`, then `npm install -g`) holds no TypeScript: it
// runs the JavaScript that `npm run build:cli` put in out/cli. A source checkout runs the TypeScript
// sources instead, through tsx (a dev dependency), so an edit needs no build; it is started in a child
// Node process with `--import tsx` so that worker threads inherit the loader too.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sources = join(root, 'src-main', 'hosts', 'cli', 'main.ts');
const built = join(root, 'out', 'cli', 'main.js');

/** tsx's loader when this is a checkout with its dev dependencies installed; else undefined. */
function tsxLoader() {
  if (!existsSync(sources)) return undefined;
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  } catch {
    return undefined; // `npm install --omit=dev` in a checkout: the build is used when there is one.
  }
}

const loader = tsxLoader();
if (loader) {
  const child = spawn(process.execPath, ['--import', loader, sources, ...process.argv.slice(2)], { stdio: 'inherit' });
  // Ctrl+C reaches the child through the terminal's process group, so the parent ignores it and waits;
  // a SIGTERM sent to the parent alone is passed on.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
} else if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  console.error('ocm: this checkout has neither its dev dependencies (tsx) nor a build: run `npm install`, or `npm run build:cli`.');
  process.exit(1);
}
