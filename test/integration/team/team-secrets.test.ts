/**
 * A team database's Odoo secrets are sealed with the team's key file, never with one machine's OS
 * keychain: a collector on another machine opens them with the same `secret.key`, and without it the
 * instance asks for its password again (nothing half-works with a wrong key).
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstanceSecrets } from '../../../src-main/config/secrets';
import { openMirror, type MirrorLocation } from '../../../src-main/hosts/mirror-store';
import { createServices } from '../../../src-main/hosts/services';
import type { Keychain } from '../../../src-main/store/keychain';
import { createKeyFileVault, KEY_FILE } from '../../../src-main/store/secret-vault';
import { postgresSkipReason, startTestPostgres, type TestPostgres } from '../../support/postgres';

const skip = postgresSkipReason();

/** A keychain that answers (as a desktop's would): the team store must not use it. */
function answeringKeychain(): Keychain & { writes: number } {
  const entries = new Map<string, string>();
  return {
    writes: 0,
    get: (account) => entries.get(account) ?? null,
    set(account, value) {
      this.writes++;
      entries.set(account, value);
    },
    delete: (account) => entries.delete(account),
  };
}

describe.skipIf(Boolean(skip))('secrets in a team database', () => {
  let server: TestPostgres;
  let database: MirrorLocation;
  const folders: string[] = [];
  const folder = () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocm-team-secrets-'));
    folders.push(dir);
    return dir;
  };

  beforeAll(async () => {
    server = await startTestPostgres();
    database = { kind: 'postgres', url: await server.createDatabase() };
  });
  afterAll(async () => {
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
    await server?.stop();
  });

  it('seals with the key file, which another collector opens with a copy of it, and only with it', async () => {
    const first = folder();
    const keychain = answeringKeychain();
    const app = await createServices({ dataDir: first, database, engine: 'none', keychain });
    const { id } = await app.services.instances.add({ name: 'Riyadh ERP', url: 'http://127.0.0.1:9/', db: 'riyadh', login: 'sync', password: 'odoo-secret-41' });
    expect((await app.services.host.info()).secretStorage).toBe('team-key-file');
    await app.close();
    expect(keychain.writes).toBe(0);

    const mirror = await openMirror(database, { readonly: true });
    const record = (await mirror.repositories.instances.get(id))!;
    await mirror.close();
    expect(record.secret.startsWith('v1:')).toBe(true);

    const second = folder();
    copyFileSync(join(first, KEY_FILE), join(second, KEY_FILE));
    expect(new InstanceSecrets(createKeyFileVault(second)).open(record.secret, record.config)).toBe('odoo-secret-41');
    expect(() => new InstanceSecrets(createKeyFileVault(folder())).open(record.secret, record.config)).toThrow(/could not be decrypted/);
  });
});
