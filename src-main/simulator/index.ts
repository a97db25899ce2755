/**
 * An Odoo 18 server with the `auto_webhook` module, simulated in-process: XML-RPC and JSON-RPC over real
 * HTTP on 127.0.0.1, several databases, users with passwords and API keys, the ten tracked models, the
 * change log in its `original` or `fixed` flavour, a traffic generator and fault injection.
 *
 * ```ts
 * const sim = await startSimulator({ flavour: 'original', bigRows: 5000 });
 * // ... point a client at sim.url, database 'seed', login admin / admin
 * await sim.close();
 * ```
 */
import { Database } from './database';
import { SimulatorServer } from './http-server';
import type { RpcHost } from './rpc';
import { Traffic } from './traffic';
import type { DatabaseSpec, RunningSimulator, SimulatedDatabase, SimulatorOptions } from './types';

export type {
  DatabaseSpec,
  FaultInjector,
  ModuleFlavour,
  RunningSimulator,
  SeedOptions,
  SimulatedDatabase,
  SimulatorOptions,
  TrafficGenerator,
  TrafficOperation,
  WebhookRow,
} from './types';
export { TRACKED_MODELS } from './schema';

/** The databases created when no list is given: `seed`, `plain` and (with `bigRows`) `big`. */
export function defaultDatabases(bigRows = 0): DatabaseSpec[] {
  const specs: DatabaseSpec[] = [
    { name: 'seed', module: true },
    { name: 'plain', module: false },
  ];
  if (bigRows > 0) specs.push({ name: 'big', module: true, syntheticRows: bigRows });
  return specs;
}

/** Starts a simulator; resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const flavour = options.flavour ?? 'original';
  const seed = options.seed ?? 1;
  const now = options.now ?? (() => new Date());
  const specs = options.databases ?? defaultDatabases(options.bigRows ?? 0);
  const databases = new Map<string, Database>();
  for (const spec of specs) {
    if (databases.has(spec.name)) throw new Error(`database ${spec.name} is listed twice`);
    databases.set(spec.name, new Database({ ...spec, flavour, seed, now }));
  }
  const names = [...databases.keys()].sort();
  const host: RpcHost = {
    database: (name) => databases.get(name),
    databaseNames: () => [...names],
    listDb: options.listDb !== false,
  };
  const server = new SimulatorServer(host, seed);
  const port = await server.listen(options.port ?? 0);
  const trafficTarget = databases.has('seed') ? 'seed' : [...databases.values()].find((db) => db.hasModule)?.name;
  const traffic = new Traffic(() => (trafficTarget ? databases.get(trafficTarget) : undefined), seed);
  if (options.trafficRate && options.trafficRate > 0) traffic.start(options.trafficRate);

  return {
    url: `http://127.0.0.1:${port}`,
    port,
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
    },
  };
}
