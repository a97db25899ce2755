#!/usr/bin/env node
// The `ocm` command. It runs the TypeScript sources through tsx's loader (a runtime dependency), in a
// child Node process started with `--import tsx` so that worker threads inherit the loader too.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const tsxLoader = pathToFileURL(require.resolve('tsx')).href;
const entry = join(root, 'src-main', 'hosts', 'cli', 'main.ts');

const child = spawn(process.execPath, ['--import', tsxLoader, entry, ...process.argv.slice(2)], { stdio: 'inherit' });
// Ctrl+C reaches the child through the terminal's process group, so the parent ignores it and waits;
// a SIGTERM sent to the parent alone is passed on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
