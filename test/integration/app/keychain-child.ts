/**
 * Run under a private D-Bus session with an unlocked gnome-keyring (see os-keychain.test.ts): saves an
 * instance through the real services, tests it with its saved password, and prints what happened as JSON.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices } from '../../../src-main/hosts/services';
import { systemKeychain } from '../../../src-main/store/keychain';
import { keychainAccount } from '../../../src-main/store/secret-vault';

const dataDir = mkdtempSync(join(tmpdir(), 'ocm-keychain-'));
let tested = '';
const app = await createServices({ dataDir, engine: 'none', checker: async (input) => ((tested = input.secret), []) });
try {
  const input = { name: 'A', url: 'https://erp.example.com', db: 'prod', login: 'admin' };
  const added = await app.services.instances.add({ ...input, password: 'through-the-keychain' });
  await app.services.instances.test({ ...input, id: added.id });
  const { secretStorage } = await app.services.host.info();
  const entry = systemKeychain()?.get(keychainAccount(dataDir)) ?? null;
  process.stdout.write(JSON.stringify({ secretStorage, tested, keychainEntry: entry !== null, files: readdirSync(dataDir).sort() }));
} finally {
  await app.close();
  systemKeychain()?.delete(keychainAccount(dataDir));
  rmSync(dataDir, { recursive: true, force: true });
}
