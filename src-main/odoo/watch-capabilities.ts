/**
 * What watching a server without the module needs, detected with the login's own rights: which watched
 * models exist and are readable, whether the chatter (`mail.message`) and its tracking values
 * (`mail.tracking.value`, administrators only in Odoo) are readable, which fields Odoo tracks
 * (`ir.model.fields.tracking`); the connection-test steps that say so; and the server's model list the
 * instance editor offers for watching.
 */
import { OcmError } from '../common/errors';
import type { ServerModel, WatchCapabilities } from '../common/model';
import type { ConnectionCheck } from '../common/services';
import { connectOdoo } from './connection';
import { groupTotals } from './group-totals';
import type { ConnectionInput, OdooClient } from './types';

/** Odoo's chatter messages. */
export const MESSAGE_MODEL = 'mail.message';
/** Odoo's tracked old → new values, one per changed field of a message. */
export const TRACKING_MODEL = 'mail.tracking.value';

/** Requests in flight while detecting the watched models' rights. */
const CONCURRENCY = 8;

/** Whether this user may read `model`: 'missing' when the model does not exist. */
async function readable(client: OdooClient, model: string, signal?: AbortSignal): Promise<boolean | 'missing'> {
  try {
    return await client.checkAccessRights(model, 'read', { signal });
  } catch (error) {
    if (error instanceof OcmError && (error.code === 'model-missing' || error.code === 'user-error')) return 'missing';
    if (error instanceof OcmError && error.code === 'access-error') return false;
    throw error;
  }
}

/** Runs `work` over `items`, at most {@link CONCURRENCY} at once, results in order. */
async function mapLimited<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]);
      }
    }),
  );
  return results;
}

/** Detects what watching `models` without the module can use (a few requests, once per connection). */
export async function detectWatchCapabilities(client: OdooClient, models: readonly string[], options: { signal?: AbortSignal } = {}): Promise<WatchCapabilities> {
  const { signal } = options;
  const [rights, messages, trackingValues] = await Promise.all([
    mapLimited(models, (model) => readable(client, model, signal)),
    readable(client, MESSAGE_MODEL, signal),
    readable(client, TRACKING_MODEL, signal),
  ]);
  const watch: WatchCapabilities = { readable: [], missing: [], unreadable: [], messages: messages === true, trackingValues: trackingValues === true, trackedFields: {} };
  models.forEach((model, index) => {
    const right = rights[index];
    (right === 'missing' ? watch.missing : right ? watch.readable : watch.unreadable).push(model);
  });
  if (watch.readable.length > 0) watch.trackedFields = await trackedFieldsOf(client, watch.readable, signal);
  return watch;
}

/** The tracked fields of `models`, by model; empty when the server has no field tracking (no mail module). */
async function trackedFieldsOf(client: OdooClient, models: readonly string[], signal?: AbortSignal): Promise<Record<string, string[]>> {
  try {
    const rows = await client.searchRead('ir.model.fields', [['model', 'in', [...models]], ['tracking', '>', 0]], { fields: ['model', 'name'], order: 'model, name' }, { signal });
    const fields: Record<string, string[]> = {};
    for (const row of rows) if (typeof row.model === 'string' && typeof row.name === 'string') (fields[row.model] ??= []).push(row.name);
    return fields;
  } catch (error) {
    if (error instanceof OcmError && ['server-error', 'user-error', 'access-error'].includes(error.code)) return {};
    throw error;
  }
}

/**
 * The server's models (`ir.model`, transient ones left out), with how many fields Odoo tracks in each:
 * two requests. `major` picks the group query of the server's version.
 */
export async function listServerModels(client: OdooClient, major: number, options: { signal?: AbortSignal } = {}): Promise<ServerModel[]> {
  const call = { signal: options.signal };
  const [rows, tracked] = await Promise.all([
    client.searchRead('ir.model', [['transient', '=', false]], { fields: ['model', 'name'], order: 'model' }, call),
    groupTotals(client, major, 'ir.model.fields', { domain: [['tracking', '>', 0]], groupby: ['model'] }, call).catch((error: unknown) => {
      if (error instanceof OcmError && ['server-error', 'user-error', 'access-error'].includes(error.code)) return [];
      throw error;
    }),
  ]);
  const counts = new Map(tracked.map((group) => [String(group.group.model), group.count]));
  return rows
    .filter((row) => typeof row.model === 'string')
    .map((row) => ({ model: row.model as string, name: typeof row.name === 'string' ? row.name : (row.model as string), trackedFields: counts.get(row.model as string) ?? 0 }));
}

/** Logs in with `input` and lists the server's models ({@link listServerModels}). */
export async function fetchServerModels(input: ConnectionInput, options: { signal?: AbortSignal } = {}): Promise<ServerModel[]> {
  const client = await connectOdoo(input, options);
  try {
    const version = await client.version({ signal: options.signal });
    return await listServerModels(client, version.major, options);
  } finally {
    client.close();
  }
}

/** How an instance asks to be watched, for the connection test. */
export interface WatchRequest {
  models: readonly string[];
  /** The module log is the instance's source (the test checks it); tracking values enrich it. */
  moduleInstalled: boolean;
}

/**
 * The connection-test steps of the polling source, after a successful login: 'change-log' says the module
 * is not needed (or, when it is installed, that its log knows more), 'watch' which watched models this
 * login may read and whether it sees Odoo's tracked old → new values.
 */
export function watchChecks(login: string, db: string, request: WatchRequest, watch: WatchCapabilities): ConnectionCheck[] {
  const changeLog: ConnectionCheck = request.moduleInstalled
    ? {
        id: 'change-log',
        status: 'warning',
        message: `Watching without the module, although auto_webhook is installed on database ${db}: its change log also names who deleted a record and sees every write.`,
        hint: 'Choose the module log as the source, unless polling is what you want.',
        messageKey: 'check.watch.moduleInstalled',
        hintKey: 'check.watch.moduleInstalledHint',
        params: { db },
      }
    : { id: 'change-log', status: 'skipped', message: 'Not needed: this instance is watched without the module.', messageKey: 'check.watch.noModule' };
  return [changeLog, modelsCheck(login, request, watch)];
}

/** The 'watch' step: readable models and tracking values. */
function modelsCheck(login: string, request: WatchRequest, watch: WatchCapabilities): ConnectionCheck {
  const count = watch.readable.length;
  const lacking = [...watch.missing, ...watch.unreadable];
  if (count === 0) {
    return {
      id: 'watch',
      status: 'failed',
      code: 'access-error',
      message: `${login} may read none of the watched models (${lacking.join(', ')}), so nothing can be watched.`,
      hint: 'Watch models this login may read, or use a login with more rights.',
      messageKey: 'check.watch.noModel',
      hintKey: 'check.watch.noModelHint',
      params: { login, models: lacking.join(', ') },
    };
  }
  if (lacking.length > 0) {
    return {
      id: 'watch',
      status: 'warning',
      code: watch.unreadable.length > 0 ? 'access-error' : 'model-missing',
      message: `${login} may read ${count} of the ${request.models.length} watched models; not watched: ${lacking.join(', ')}.`,
      hint: 'Remove them from the watched models (a model that is not installed cannot be watched), or give this login read access.',
      messageKey: 'check.watch.someModels',
      hintKey: 'check.watch.someModelsHint',
      params: { login, count, total: request.models.length, models: lacking.join(', ') },
    };
  }
  if (!watch.trackingValues) {
    return {
      id: 'watch',
      status: 'warning',
      code: 'access-error',
      message: `${login} may read the ${count} watched models but not Odoo's tracking values (${TRACKING_MODEL}, administrators only): changes are seen without old → new values.`,
      hint: 'Use an administrator login to see the old and new value of tracked fields.',
      messageKey: 'check.watch.noValues',
      hintKey: 'check.watch.noValuesHint',
      params: { login, count, model: TRACKING_MODEL },
    };
  }
  return { id: 'watch', status: 'ok', message: `${login} may read the ${count} watched models and Odoo's tracking values (old → new).`, messageKey: 'check.watch.ok', params: { login, count } };
}
