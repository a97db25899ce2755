/** Connects to an instance, detects what it can do and picks the source its changes are read from. */
import { OcmError } from '../common/errors';
import { watchedModelsOf, type Capabilities, type InstanceConfig } from '../common/model';
import { detectCapabilities } from '../odoo/capabilities';
import { connectOdoo } from '../odoo/connection';
import type { OdooClient } from '../odoo/types';
import { detectWatchCapabilities } from '../odoo/watch-capabilities';
import type { SyncTarget } from './backend';
import { moduleLogSource } from './module-log/pass';
import { pollingSource, trackingSource, type PollingSettings } from './polling/source';
import type { ChangeSource } from './source';

/** A connected client, its capabilities, and the source its changes are read from. */
export interface Connection {
  client: OdooClient;
  capabilities: Capabilities;
  /** Default: the module log. */
  source?: ChangeSource;
}

/** How the engine connects (injected so tests can use fakes). */
export type ConnectFunction = (target: SyncTarget, signal: AbortSignal) => Promise<Connection>;

/** What the polling source (and the tracking values of the module log) of an instance watch. */
export function pollingSettingsOf(config: Pick<InstanceConfig, 'url' | 'db' | 'watchedModels'>): PollingSettings {
  return { server: `${config.url}|${config.db}`, models: watchedModelsOf(config) };
}

/**
 * Logs in with the real client and detects capabilities. An instance watched without the module polls
 * its watched models (rejects 'access-error' when it may read none of them); otherwise the module log is
 * the source (rejects 'model-missing' without the module, offering to watch without it), enriched with
 * Odoo's tracking values when the instance asks for them.
 */
export const connectTarget: ConnectFunction = async (target, signal) => {
  const { config } = target;
  const client = await connectOdoo(target.connection, { signal });
  try {
    const capabilities = await detectCapabilities(client, { signal });
    const settings = pollingSettingsOf(config);
    if (config.source === 'polling') {
      capabilities.watch = await detectWatchCapabilities(client, settings.models, { signal });
      if (capabilities.watch.readable.length === 0) {
        throw new OcmError('access-error', `${config.login} may read none of the watched models (${settings.models.join(', ')}) on ${config.url}.`, {
          hint: 'Watch models this login may read, or use a login with more rights.',
        });
      }
      return { client, capabilities, source: pollingSource(settings) };
    }
    if (!capabilities.changeLogInstalled) {
      throw new OcmError('model-missing', `The change log (update.webhook) does not exist on database ${config.db} at ${config.url}.`, {
        hint: 'Install the auto_webhook module on this database, or watch it without the module (source: polling).',
      });
    }
    if (!capabilities.canReadChanges) {
      throw new OcmError('access-error', `${config.login} may not read the change log (update.webhook) on ${config.url}.`, {
        hint: 'Give this user the Internal User group, or use another login.',
      });
    }
    if (config.trackingValues) {
      capabilities.watch = await detectWatchCapabilities(client, settings.models, { signal });
      return { client, capabilities, source: trackingSource(moduleLogSource, settings) };
    }
    return { client, capabilities, source: moduleLogSource };
  } catch (error) {
    client.close();
    throw error;
  }
};
