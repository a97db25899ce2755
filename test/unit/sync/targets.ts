/** Sync targets for tests: an instance config and how to connect to it, built the way the app builds them. */
import type { InstanceConfig } from '../../../src-main/common/model';
import { connectionInputOf } from '../../../src-main/odoo/connection';
import type { SyncTarget } from '../../../src-main/sync/backend';

/** A target for `config` (an id and name are enough; the rest defaults to a local xmlrpc server). */
export function syncTarget(config: Partial<InstanceConfig> & Pick<InstanceConfig, 'id'>, secret = 'admin', options: { timeoutMs?: number } = {}): SyncTarget {
  const full: InstanceConfig = {
    name: config.id,
    url: 'http://fake',
    db: 'fake',
    login: 'admin',
    transport: 'xmlrpc',
    production: false,
    demo: false,
    pollIntervalSeconds: 30,
    createdAt: '2026-11-30T00:00:00Z',
    ...config,
  };
  return { config: full, connection: connectionInputOf(full, secret, options) };
}
