// `npm run test:pack`: the CLI as a tool of its own. Packs the package (`npm pack`, whose prepack builds
// the CLI and the workbench), installs the tarball globally into a temporary prefix (production
// dependencies only, better-sqlite3's native module built or fetched as any user's install would), and
// runs the installed `ocm`: --help, then `ocm simulate` with `ocm instance test`, `instance add`,
// `sync --once`, `status` and an HTML and a PDF export against it. Exits 1 at the first failure.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'ocm-packed-'));
const windows = process.platform === 'win32';
const started = Date.now();
let simulator;

function step(text) {
  console.log(`test:pack [${((Date.now() - started) / 1000).toFixed(0)}s] ${text}`);
}

function fail(text) {
  throw new Error(text);
}

/** Runs a command to completion; returns its output, or fails with it. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', shell: windows && command === 'npm', maxBuffer: 64 << 20, ...options });
  if (result.error) fail(`${command} ${args.join(' ')} could not start: ${result.error.message}`);
  if (options.expectStatus !== 'any' && result.status !== (options.expectStatus ?? 0)) {
    fail(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return `${result.stdout ?? ''}${result.stderr ?? ''}`;
}

/** The package.json of every package under a node_modules folder, nested ones included. */
function installedPackages(folder) {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).flatMap((name) => {
    if (name.startsWith('.')) return [];
    if (name.startsWith('@')) return readdirSync(join(folder, name)).flatMap((inner) => packageAt(join(folder, name, inner)));
    return packageAt(join(folder, name));
  });
}

function packageAt(path) {
  const manifest = join(path, 'package.json');
  return existsSync(manifest) ? [JSON.parse(readFileSync(manifest, 'utf8')), ...installedPackages(join(path, 'node_modules'))] : [];
}

try {
  step('npm pack (prepack builds out/cli and out/renderer)');
  // prepack's build output comes first; the JSON report is the array that ends the output.
  const packOutput = run('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const [packed] = JSON.parse(packOutput.slice(packOutput.search(/^\[\s*\{/m)));
  const files = packed.files.map((file) => file.path);
  for (const required of ['bin/ocm.js', 'out/cli/main.js', 'out/cli/worker-entry.js', 'out/renderer/index.html', 'package.json']) {
    if (!files.includes(required)) fail(`the tarball lacks ${required}`);
  }
  const sources = files.filter((file) => /\.(ts|tsx)$/.test(file));
  if (sources.length) fail(`the tarball holds TypeScript sources: ${sources.slice(0, 5).join(', ')}`);
  step(`${packed.filename}: ${files.length} files, ${(packed.size / 1024).toFixed(0)} KiB`);

  const prefix = join(work, 'prefix');
  step('npm install -g into a temporary prefix');
  run('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', join(work, packed.filename)], { cwd: work });
  const installed = windows ? join(prefix, 'node_modules', 'odoo-change-monitor') : join(prefix, 'lib', 'node_modules', 'odoo-change-monitor');
  const ocm = windows ? join(prefix, 'ocm.cmd') : join(prefix, 'bin', 'ocm');
  if (!existsSync(ocm)) fail(`npm did not create ${ocm}`);

  // A dev dependency may be there only because a production package needs it too (exceljs needs @types/node).
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const packages = installedPackages(join(installed, 'node_modules'));
  const required = new Set(packages.flatMap((pkg) => Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })));
  const present = new Set(packages.map((pkg) => pkg.name));
  const devOnly = Object.keys(manifest.devDependencies).filter((name) => present.has(name) && !required.has(name));
  if (devOnly.length) fail(`dev dependencies were installed: ${devOnly.join(', ')}`);
  if (!present.has('better-sqlite3')) fail('better-sqlite3 (the native module) was not installed');
  step(`${packages.length} packages installed, none of them a dev dependency`);

  const home = join(work, 'home');
  const env = { ...process.env, OCM_HOME: home, ODOO_PW: 'admin' };
  const ocmRun = (args, options = {}) => run(ocm, args, { env, cwd: work, shell: windows, ...options });

  step('ocm --help');
  if (!ocmRun(['--help']).includes('ocm instance test')) fail('ocm --help does not list the commands');

  step('ocm simulate');
  simulator = spawn(ocm, ['simulate', '--port', '0', '--flavour', 'fixed'], { env, cwd: work, shell: windows, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`ocm simulate printed no address in 30 s:\n${output}`)), 30_000);
    const read = (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    simulator.stdout.on('data', read);
    simulator.stderr.on('data', read);
    simulator.on('exit', (code) => reject(new Error(`ocm simulate exited ${code}:\n${output}`)));
  });

  step(`ocm instance test against ${url}`);
  const tested = ocmRun(['instance', 'test', '--url', url, '--db', 'seed', '--login', 'admin', '--password-env', 'ODOO_PW']);
  if (!tested.includes('✓')) fail(`ocm instance test printed no passed step:\n${tested}`);

  step('ocm instance add, sync --once, status (SQLite native module and the sync worker)');
  ocmRun(['instance', 'add', '--name', 'packed', '--url', url, '--db', 'seed', '--login', 'admin', '--password-env', 'ODOO_PW']);
  ocmRun(['sync', '--once']);
  const status = ocmRun(['status']);
  if (!status.includes('packed')) fail(`ocm status does not show the instance:\n${status}`);

  step('ocm export --format html and --format pdf');
  ocmRun(['export', '--format', 'html', '--out', join(work, 'report.html')]);
  if (!/^<!doctype html>/i.test(readFileSync(join(work, 'report.html'), 'utf8'))) fail('the HTML report is not HTML');
  const pdf = ocmRun(['export', '--format', 'pdf', '--out', join(work, 'report.pdf')], { expectStatus: 'any' });
  if (existsSync(join(work, 'report.pdf'))) {
    if (readFileSync(join(work, 'report.pdf')).subarray(0, 5).toString() !== '%PDF-') fail('the PDF report is not a PDF');
  } else if (!pdf.includes('No Chromium-based browser was found')) {
    fail(`the PDF export failed for another reason than a missing browser:\n${pdf}`);
  } else {
    step('no browser on this machine: the PDF export said where it looked, as it should');
  }
  step('passed');
} catch (error) {
  console.error(`test:pack failed: ${error.message}`);
  process.exitCode = 1;
} finally {
  simulator?.kill('SIGINT');
  if (simulator) await new Promise((resolve) => (simulator.exitCode === null ? simulator.once('exit', resolve) : resolve()));
  rmSync(work, { recursive: true, force: true });
}
