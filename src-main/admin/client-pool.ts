/** Logged-in clients for the admin actions, one per instance, reused until closed. */
import type { InstanceId } from '../common/model';
import { connectOdoo } from '../odoo/connection';
import type { ConnectionInput, OdooClient } from '../odoo/types';
import type { ClientProvider } from './ports';

/** A {@link ClientProvider} whose clients stay open until {@link ClientPool.close}. */
export interface ClientPool extends ClientProvider {
  /** Closes every client handed out. */
  close(): void;
}

/**
 * Clients for configured instances: `connectionFor` says how to reach one (its secret opened only for
 * where it was saved for); a failed login is not kept, so the next action tries again.
 */
export function createClientPool(
  connectionFor: (instanceId: InstanceId) => ConnectionInput | Promise<ConnectionInput>,
  connect: (input: ConnectionInput) => Promise<OdooClient> = (input) => connectOdoo(input),
): ClientPool {
  const clients = new Map<InstanceId, Promise<OdooClient>>();
  return {
    clientFor(instanceId) {
      let client = clients.get(instanceId);
      if (!client) {
        client = (async () => connect(await connectionFor(instanceId)))();
        client.catch(() => clients.delete(instanceId));
        clients.set(instanceId, client);
      }
      return client;
    },
    close() {
      for (const client of clients.values()) void client.then((connected) => connected.close(), () => undefined);
      clients.clear();
    },
  };
}
