/**
 * How a CLI command gets its services: the same composition root as the workbench (`createServices`),
 * over the data directory of the command's environment, so every rule (validation, rights,
 * confirmation, secret binding) is enforced by the services and never again by a command.
 */
import type { InstanceConfig, InstanceId } from '../../common/model';
import { loadDataLocation } from '../serve/config';
import { createServices, type RunningServices } from '../services';
import type { CliIo } from './command';

/** What a command asks for: an engine in this thread (`ocm sync`) or none, and whether it only reads. */
export interface CliServicesOptions {
  engine?: 'in-thread' | 'none';
  readonly?: boolean;
}

/** Opens the services for a command; the command closes them. Tests pass their own. */
export type OpenServices = (io: CliIo, options?: CliServicesOptions) => Promise<RunningServices>;

/**
 * The services over `$OCM_HOME` (or the platform's data folder) and its mirror, or the team server's
 * (`OCM_CONFIG`, `OCM_DATABASE_URL`: `ocm instance add` on a server writes the team's database); exports
 * go where `--out` says.
 */
export const openServices: OpenServices = (io, options = {}) => {
  const location = loadDataLocation(undefined, io.env);
  return createServices({ dataDir: location.dataDir, database: location.database, engine: options.engine ?? 'none', readonly: options.readonly, autoStart: false, exportsAnywhere: true });
};

/** Instance names for a command's options and output, removed instances included (their history stays). */
export interface InstanceLookup {
  /** The visible instances. */
  readonly visible: readonly InstanceConfig[];
  /** The instance's name ("(removed instance)" after it for one removed with its history kept), or its id when unknown. */
  nameOf(id: InstanceId): string;
  /** The id of the instance with this name (visible ones first, then case-insensitively) or this id. */
  idOf(nameOrId: string): InstanceId | undefined;
}

/** Builds an {@link InstanceLookup} from `instances.list({ includeRemoved: true })`. */
export function instanceLookup(all: readonly InstanceConfig[]): InstanceLookup {
  const byId = new Map(all.map((instance) => [instance.id, instance]));
  return {
    visible: all.filter((instance) => !instance.removedAt),
    nameOf: (id) => {
      const instance = byId.get(id);
      if (!instance) return id;
      return instance.removedAt ? `${instance.name} (removed instance)` : instance.name;
    },
    idOf: (nameOrId) =>
      all.find((instance) => instance.name === nameOrId)?.id
      ?? all.find((instance) => instance.name.toLowerCase() === nameOrId.toLowerCase())?.id
      ?? (byId.has(nameOrId) ? nameOrId : undefined),
  };
}
