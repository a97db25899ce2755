// Enforces the layering of docs/architecture.md by reading every import (TypeScript's own pre-processor,
// so comments and strings cannot fool it; type-only imports count too):
//   src-main/common  imports only other files of src-main/common (no Node, DOM-only or npm runtime);
//   src-main/*       each folder imports only the folders below it in LAYERS: odoo and store never import
//                    each other, store imports no sync, the features (sync, admin, reports, config, alerts, accounts, remote) do
//                    not import one another, and only hosts composes (nothing imports hosts);
//   src-renderer     imports only src-renderer, src-main/common and browser-safe npm packages;
//   src-main (rest)  never imports the renderer, and only hosts/electron may import 'electron' or
//                    'electron-updater' (the desktop shell's own runtime dependencies).
// Prints one line per violation and exits 1 if there are any.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

// The tree to check: the repository, or a folder given as the first argument (the lint's own tests).
const root = resolve(process.argv[2] ?? join(dirname(new URL(import.meta.url).pathname), '..'));
const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const NODE_ONLY_PACKAGES = ['better-sqlite3', 'ws', 'xmlrpc', 'exceljs', 'playwright-core', 'tsx', 'electron', 'electron-updater', 'electron-builder', 'electron-vite', 'vite', 'vitest', '@napi-rs/keyring', 'nodemailer', 'smtp-server', 'postgres', 'kysely'];
const ELECTRON_ONLY_PACKAGES = ['electron', 'electron-updater'];

/** Each folder of src-main and the folders it may import (besides itself). */
const LAYERS = {
  common: [],
  odoo: ['common'],
  store: ['common'],
  sync: ['common', 'odoo', 'store'],
  admin: ['common', 'odoo', 'store'],
  reports: ['common', 'odoo', 'store'],
  config: ['common', 'odoo', 'store'],
  alerts: ['common', 'odoo', 'store'],
  accounts: ['common', 'store'],
  remote: ['common', 'store'],
  simulator: ['common'],
  hosts: ['common', 'odoo', 'store', 'sync', 'admin', 'reports', 'config', 'alerts', 'accounts', 'remote', 'simulator'],
};
const FEATURES = ['sync', 'admin', 'reports', 'config', 'alerts', 'accounts', 'remote'];

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|tsx|mts)$/.test(entry) && !entry.endsWith('.d.ts')) yield path;
  }
}

function importsOf(file) {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((ref) => ref.fileName);
}

const packageName = (specifier) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);
const inside = (path, folder) => path === folder || path.startsWith(folder + sep);
const srcMain = join(root, 'src-main');
/** The src-main folder a path is in ('' for none). */
const layerOf = (path) => (inside(path, srcMain) ? relative(srcMain, path).split(sep)[0] : '');

/** Why `from` may not import `to`, in the words of the layering. */
function layerProblem(from, to) {
  if (to === 'hosts') return `only hosts composes: ${from} must not import hosts`;
  if ((from === 'odoo' && to === 'store') || (from === 'store' && to === 'odoo')) return 'odoo and store never import each other';
  if (FEATURES.includes(from) && FEATURES.includes(to)) return `${FEATURES.join(', ')} do not import one another: ${from} must not import ${to}`;
  if (to === 'simulator') return `only hosts may use the simulator: ${from} must not import it`;
  return `${from} sits below ${to}: it may import only ${LAYERS[from].join(', ') || 'itself'}`;
}

const rules = [
  {
    folder: join(root, 'src-main', 'common'),
    check(file, specifier) {
      if (!specifier.startsWith('.')) return `common must not import '${specifier}' (plain TypeScript only)`;
      const target = resolve(dirname(file), specifier);
      if (!inside(target, join(root, 'src-main', 'common'))) return `common must not import outside common ('${specifier}')`;
    },
  },
  {
    folder: srcMain,
    check(file, specifier) {
      const from = layerOf(file);
      if (from === 'common') return undefined; // its own, stricter rule above
      if (!(from in LAYERS)) return `src-main/${from} is not in the layer order (add it to LAYERS in scripts/lint-layers.mjs)`;
      if (!specifier.startsWith('.')) return undefined;
      const to = layerOf(resolve(dirname(file), specifier));
      if (!to || to === from || LAYERS[from].includes(to)) return undefined;
      return `${layerProblem(from, to)} ('${specifier}')`;
    },
  },
  {
    folder: join(root, 'src-renderer'),
    check(file, specifier) {
      if (NODE_BUILTINS.has(specifier) || specifier.startsWith('node:')) return `renderer must not import Node's '${specifier}'`;
      if (NODE_ONLY_PACKAGES.includes(packageName(specifier))) return `renderer must not import '${specifier}' (Node/Electron only)`;
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier);
        if (!inside(target, join(root, 'src-renderer')) && !inside(target, join(root, 'src-main', 'common')))
          return `renderer may import only src-renderer and src-main/common ('${specifier}')`;
      }
    },
  },
  {
    folder: srcMain,
    check(file, specifier) {
      if (specifier.startsWith('.') && inside(resolve(dirname(file), specifier), join(root, 'src-renderer')))
        return `src-main must not import the renderer ('${specifier}')`;
      if (ELECTRON_ONLY_PACKAGES.includes(packageName(specifier)) && !inside(file, join(root, 'src-main', 'hosts', 'electron')))
        return `only src-main/hosts/electron may import '${packageName(specifier)}'`;
    },
  },
];

let violations = 0;
const checked = new Set();
for (const rule of rules) {
  if (!statSync(rule.folder, { throwIfNoEntry: false })) continue;
  for (const file of sourceFiles(rule.folder)) {
    checked.add(file);
    const reported = new Set();
    for (const specifier of importsOf(file)) {
      const problem = rule.check(file, specifier);
      // A file outside the layer order is said once, not once per import.
      if (problem && !reported.has(problem)) {
        reported.add(problem);
        violations++;
        console.log(`${relative(root, file)}: ${problem}`);
      }
    }
  }
}
console.log(violations === 0 ? `layers: ${checked.size} files checked, no violations` : `layers: ${violations} violation(s)`);
process.exit(violations === 0 ? 0 : 1);
