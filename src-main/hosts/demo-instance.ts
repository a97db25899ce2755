/**
 * The built-in demo instance: with nothing configured, the app starts an Odoo 18 simulator in-process
 * (our addon's flavour, so every field and the error log are there to see) with live traffic, and adds
 * it as an instance labelled "Demo". Removing it is remembered, so it does not come back.
 */
import { randomUUID } from 'node:crypto';
import type { IInstanceService } from '../common/services';
import type { InstanceSecrets } from '../config/secrets';
import { startSimulator, type RunningSimulator } from '../simulator';
import type { Repositories } from '../store/ports';

/** What the demo instance is set up with. */
export interface DemoContext {
  store: Pick<Repositories, 'instances' | 'settings'>;
  secrets: InstanceSecrets;
  /** Watched so that removing the demo instance is remembered. */
  instances: Pick<IInstanceService, 'onDidChangeInstances'>;
}

/** The name the demo instance is added under. */
export const DEMO_INSTANCE_NAME = 'Demo (simulated Odoo 18)';

const DISMISSED_FLAG = 'demo.dismissed';
/** Changes per second on the demo server: lively, not a flood. */
const DEMO_TRAFFIC_RATE = 1.5;
/** About one logging failure per this many operations, so the Errors view has something real to show. */
const OPERATIONS_PER_ERROR = 40;

const ERROR_TEMPLATES = [
  (model: string, id: number) => `Timeout after 10 s calling https://hooks.example.com/odoo/${model.replace('.', '-')} for record ${id}`,
  (model: string, id: number) => `HTTP 502 Bad Gateway from https://sync.example.net/api/v2/${id}`,
  (model: string, id: number) => `could not serialize access due to concurrent update (record ${model}(${id},))`,
];

/** Starts the demo server when due; resolves undefined when the user has instances or removed the demo. */
export async function startDemoInstance(context: DemoContext): Promise<{ simulator: RunningSimulator; close(): Promise<void> } | undefined> {
  const { store, secrets } = context;
  const visible = await store.instances.list();
  const existing = visible.find((record) => record.config.demo);
  if (!existing && (visible.length > 0 || (await store.settings.hasFlag(DISMISSED_FLAG)))) return undefined;

  const simulator = await startSimulator({ flavour: 'fixed', trafficRate: DEMO_TRAFFIC_RATE, trafficDatabases: ['seed'] });
  const seed = simulator.database('seed');
  // A few logging failures from the start, so the Errors view shows real groups at once.
  for (const [index, [model, recordId]] of ([['res.partner', 7], ['sale.order', 3], ['res.partner', 12], ['stock.picking', 2], ['sale.order', 9]] as const).entries()) {
    seed.addError(model, recordId, ERROR_TEMPLATES[index % ERROR_TEMPLATES.length](model, recordId));
  }
  const stopErrors = simulator.traffic.onOperation((operation) => {
    if (operation.sequence % OPERATIONS_PER_ERROR !== 0 || operation.recordIds.length === 0) return;
    const template = ERROR_TEMPLATES[(operation.sequence / OPERATIONS_PER_ERROR) % ERROR_TEMPLATES.length];
    seed.addError(operation.model, operation.recordIds[0], template(operation.model, operation.recordIds[0]));
  });

  // The simulator listens on a new port at every start: point the instance at it (its password is sealed
  // to that address, like any saved password).
  const fields = {
    name: existing?.config.name ?? DEMO_INSTANCE_NAME,
    url: simulator.url,
    db: 'seed',
    login: 'admin',
    secret: secrets.seal('admin', { url: simulator.url, db: 'seed' }),
    transport: 'jsonrpc' as const,
    transportChoice: { reason: 'jsonrpc' as const, serverSerie: '18.0', major: 18 }, // what the choice gives an Odoo 18 simulator
    production: false,
    demo: true,
    pollIntervalSeconds: existing?.config.pollIntervalSeconds ?? 5,
  };
  if (existing) await store.instances.update(existing.config.id, fields);
  else await store.instances.insert(randomUUID(), fields, Math.floor(Date.now() / 1000));

  // Removing the demo instance (with or without its history) is remembered.
  const watch = context.instances.onDidChangeInstances((instances) => {
    if (instances.some((instance) => instance.demo)) return;
    void stop();
    void Promise.resolve(store.settings.setFlag(DISMISSED_FLAG)).catch((error: unknown) => console.error('could not remember that the demo instance was removed', error));
  });

  let stopped = false;
  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    watch.dispose();
    stopErrors();
    await simulator.close();
  }
  return { simulator, close: stop };
}
