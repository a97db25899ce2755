// `npm run test:addon`: the auto_webhook addon checks (scripts/check-addon.py) with whichever Python 3
// this machine has (`python3`, or on Windows `python` / `py -3`).
import { spawnSync } from 'node:child_process';
import { findPython } from './prerequisites';

const python = findPython();
if (!python) {
  console.error('The addon checks need Python 3: run `npm test` for the install command for this platform.');
  process.exit(1);
}
const [command, ...prefix] = python;
for (const args of [['odoo-addon'], ['--self-test']]) {
  const result = spawnSync(command, [...prefix, 'scripts/check-addon.py', ...args], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
