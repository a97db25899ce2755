/**
 * An Odoo server (17, 18, 19 or 20) with the `auto_webhook` module, simulated in-process: XML-RPC,
 * JSON-RPC and (19+) JSON-2 over real HTTP on 127.0.0.1, several databases, users with passwords and API
 * keys, the ten tracked models, the change log in its `original` or `fixed` flavour, a server log counting
 * deprecated calls, a traffic generator and fault injection.
 *
 * ```ts
 * const sim = await startSimulator({ odoo: 19, bigRows: 5000 });
 * // ... point a client at sim.url, database 'seed', login admin / admin (or the API key)
 * await sim.close();
 * ```
 */
import { Database } from './database';
import { SimulatorServer } from './http-server';
import { Pacer } from './pacing';
import { ServerLog } from './server-log';
import { Traffic } from './traffic';
import type { DatabaseSpec, ModuleFlavour, RunningSimulator, SimulatedDatabase, SimulatorOptions } from './types';
import { versionProfile, type VersionProfile } from './versions';
import { Sessions, type WebHost } from './web-routes';

export type {
  DatabaseSpec,
  DeprecationKind,
  FaultInjector,
  ModuleFlavour,
  OdooVersion,
  PacedAnswer,
  PaceOptions,
  RunningSimulator,
  SeedOptions,
  SimulatedDatabase,
  SimulatorOptions,
  TrafficGenerator,
  TrafficOperation,
  WebhookRow,
} from './types';
export { TRACKED_MODELS } from './schema';
export { ODOO_VERSIONS, versionProfile, type VersionProfile } from './versions';

/** The databases created when no list is given: `seed`, `plain` and (with `bigRows`) `big`. */
export function defaultDatabases(bigRows = 0): DatabaseSpec[] {
  const specs: DatabaseSpec[] = [
    { name: 'seed', module: true },
    { name: 'plain', module: false },
  ];
  if (bigRows > 0) specs.push({ name: 'big', module: true, syntheticRows: bigRows });
  return specs;
}

/**
 * The databases the traffic generator drives by default: `seed` (or the first with the module), and
 * `plain` (or the first without it), where a module-less client finds Odoo's own history.
 */
function defaultTrafficDatabases(databases: readonly Database[]): string[] {
  const withModule = databases.find((db) => db.name === 'seed') ?? databases.find((db) => db.hasModule);
  const without = databases.find((db) => db.name === 'plain') ?? databases.find((db) => !db.hasModule);
  return [withModule, without].filter((db): db is Database => db !== undefined).map((db) => db.name);
}

/** The flavour to run on a version: the one asked for if it installs there, else a clear error. */
export function flavourFor(profile: VersionProfile, asked: ModuleFlavour | undefined): ModuleFlavour {
  const flavour = asked ?? profile.defaultFlavour;
  if (!profile.flavours.includes(flavour)) {
    throw new Error(
      `The ${flavour} auto_webhook module does not install on Odoo ${profile.version} (its manifest targets 18.0 and it uses res.groups.category_id, which 19 removed); use the fixed flavour there.`,
    );
  }
  return flavour;
}

/** Starts a simulator; resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const profile = versionProfile(options.odoo ?? 18);
  const flavour = flavourFor(profile, options.flavour);
  const seed = options.seed ?? 1;
  const now = options.now ?? (() => new Date());
  const specs = options.databases ?? defaultDatabases(options.bigRows ?? 0);
  const databases = new Map<string, Database>();
  for (const spec of specs) {
    if (databases.has(spec.name)) throw new Error(`database ${spec.name} is listed twice`);
    databases.set(spec.name, new Database({ ...spec, flavour, seed, now, profile }));
  }
  const names = [...databases.keys()].sort();
  const log = new ServerLog({ clock: () => new Date(), sink: options.onLog });
  const host: WebHost = {
    database: (name) => databases.get(name),
    databaseNames: () => [...names],
    listDb: options.listDb !== false,
    profile,
    log,
    sessions: new Sessions(),
  };
  const trafficTargets = (options.trafficDatabases ?? defaultTrafficDatabases([...databases.values()])).map((name) => {
    const db = databases.get(name);
    if (!db) throw new Error(`trafficDatabases names ${name}, which the simulator does not have (it has ${names.join(', ')})`);
    return db;
  });
  const pacer = options.pace ? new Pacer(options.pace) : undefined;
  const server = new SimulatorServer(host, seed, pacer);
  let port: number;
  try {
    port = await server.listen(options.port ?? 0);
  } catch (error) {
    await pacer?.close();
    throw error;
  }
  const traffic = new Traffic(() => trafficTargets, seed);
  if (options.trafficRate && options.trafficRate > 0) traffic.start(options.trafficRate);

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    odoo: profile.version,
    flavour,
    deprecatedCalls: (kind) => log.deprecatedCalls(kind),
    logLines: () => log.lines(),
    databases: names,
    database(name: string): SimulatedDatabase {
      const db = databases.get(name);
      if (!db) throw new Error(`the simulator has no database named ${name} (it has ${names.join(', ')})`);
      return db;
    },
    traffic,
    faults: server,
    async close(): Promise<void> {
      traffic.stop();
      await server.stopListening();
      await pacer?.close();
    },
  };
}
