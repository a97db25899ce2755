/** Connects to an instance and detects what it can do: the engine's default way in. */
import { OcmError } from '../common/errors';
import { detectCapabilities } from '../odoo/capabilities';
import { connectOdoo } from '../odoo/connection';
import type { OdooClient } from '../odoo/types';
import type { SyncTarget } from './backend';
import type { Capabilities } from '../common/model';
import { moduleLogSource } from './module-log/pass';
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

/** Logs in with the real client and detects capabilities; rejects 'model-missing' without the module. */
export const connectTarget: ConnectFunction = async (target, signal) => {
  const { config } = target;
  const client = await connectOdoo(target.connection, { signal });
  try {
    const capabilities = await detectCapabilities(client, { signal });
    if (!capabilities.changeLogInstalled) {
      throw new OcmError('model-missing', `The change log (update.webhook) does not exist on database ${config.db} at ${config.url}.`, {
        hint: 'Install the auto_webhook module on this database.',
      });
    }
    if (!capabilities.canReadChanges) {
      throw new OcmError('access-error', `${config.login} may not read the change log (update.webhook) on ${config.url}.`, {
        hint: 'Give this user the Internal User group, or use another login.',
      });
    }
    return { client, capabilities, source: moduleLogSource };
  } catch (error) {
    client.close();
    throw error;
  }
};
