/**
 * Team mode's part of the composition root, kept beside it: a collector that follows what other
 * processes change in the shared mirror, and a workstation's team servers joined to its services.
 */
import type { InstanceId } from '../common/model';
import type { Services } from '../common/services';
import { composeServices, type CompositeOptions } from '../remote/composite';
import { TeamServerService } from '../remote/team-servers';
import type { SecretVault } from '../store/secret-vault';
import type { Repositories } from '../store/ports';
import type { Store } from '../store/store';
import type { SyncBackend } from '../sync/backend';

/**
 * A collector shares its database with other processes (collectors, `ocm instance …` on the server):
 * every lease round it re-reads the instances (added, changed, removed elsewhere) and the pauses made
 * elsewhere, so a take-over runs what the team configured, not what this process saw at its start.
 */
export function followOtherProcesses(store: Pick<Repositories, 'instances' | 'syncState'>, backend: SyncBackend, refresh: () => Promise<unknown>, periodMs: number): ReturnType<typeof setInterval> {
  const paused = new Map<InstanceId, boolean>();
  let running = false;
  return setInterval(async () => {
    if (running) return; // a slow database: the next round starts when this one is done
    running = true;
    try {
      await refresh();
      for (const record of await store.instances.list()) {
        const now = (await store.syncState.get(record.config.id)).paused;
        const before = paused.get(record.config.id);
        paused.set(record.config.id, now);
        if (before === undefined || before === now) continue; // a loop reads its pause when it starts
        if (now) backend.pause(record.config.id);
        else backend.resume(record.config.id);
      }
    } catch (error) {
      console.error('collector refresh failed', error);
    } finally {
      running = false;
    }
  }, Math.max(250, periodMs));
}

/** The workstation's services with its team servers' instances routed in, and the team-server list. */
export function withTeamServers(own: Services, store: Pick<Store, 'teamServers'>, vault: SecretVault, options: CompositeOptions): { services: Services; teams: TeamServerService; close(): void } {
  const teams = new TeamServerService({ repository: store.teamServers, vault });
  const composite = composeServices(own, teams, options);
  teams.start();
  return {
    services: composite.services,
    teams,
    close() {
      composite.dispose();
      teams.close();
    },
  };
}
