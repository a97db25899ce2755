/**
 * What a connection can do: capability detection on connect, and the step-by-step connection test
 * shown by `ocm instance test` and the instance editor.
 */
import { OcmError, toOcmError } from '../common/errors';
import { connectOdoo } from './connection';
import { CHANGE_LOG_FIELDS, CHANGE_LOG_MODEL, ERROR_LOG_ACCESS_ADVICE, ERROR_LOG_MODEL, RICH_CHANGE_LOG_FIELDS } from './log-models';
import { TRANSPORT_LABELS, type Capabilities, type ServerVersion } from '../common/model';
import type { ConnectionCheck } from '../common/services';
import { transportNote } from '../common/transport-note';
import { openVersionedEndpoint, type VersionedEndpoint } from './transport-choice';
import type { ConnectionTestInput, OdooClient, OdooConnection } from './types';
import { detectWatchCapabilities, watchChecks } from './watch-capabilities';

/** Detects version, change-log fields, error-log readability and rights. Faults other than the expected ones reject. */
export async function detectCapabilities(client: OdooConnection, options: { signal?: AbortSignal } = {}): Promise<Capabilities> {
  const call = { signal: options.signal };
  const [version, changeLogFields, errorLog] = await Promise.all([client.version(call), changeLogFieldsOf(client, options.signal), errorLogState(client, options.signal)]);
  const installed = changeLogFields !== undefined;
  const [canReadChanges, canDeleteChanges, addonProtocol] = installed
    ? await Promise.all([client.checkAccessRights(CHANGE_LOG_MODEL, 'read', call), client.checkAccessRights(CHANGE_LOG_MODEL, 'unlink', call), addonProtocolOf(client, options.signal)])
    : [false, false, 0];
  const fields = changeLogFields ?? [];
  return {
    version,
    uid: client.uid,
    changeLogInstalled: installed,
    changeLogFields: fields,
    richFields: RICH_CHANGE_LOG_FIELDS.filter((name) => fields.includes(name)),
    errorLog,
    canReadChanges,
    canDeleteChanges,
    addonProtocol,
  };
}

/** `update.webhook.protocol_version()` of our addon; 0 where the method does not exist (original module, protocol 1). */
async function addonProtocolOf(client: OdooClient, signal?: AbortSignal): Promise<number> {
  try {
    const version = await client.executeKw(CHANGE_LOG_MODEL, 'protocol_version', [], {}, { signal });
    return typeof version === 'number' && Number.isInteger(version) && version > 0 ? version : 0;
  } catch (error) {
    // Odoo answers an unknown method with a fault (AttributeError); anything else (network, timeout) is real.
    if (error instanceof OcmError && ['server-error', 'user-error', 'access-error', 'model-missing'].includes(error.code)) return 0;
    throw error;
  }
}

/** update.webhook's field names, or undefined when the model does not exist. */
async function changeLogFieldsOf(client: OdooClient, signal?: AbortSignal): Promise<string[] | undefined> {
  try {
    return Object.keys(await client.fieldsGet(CHANGE_LOG_MODEL, ['type'], { signal })).sort();
  } catch (error) {
    if (error instanceof OcmError && error.code === 'model-missing') return undefined;
    throw error;
  }
}

/** Whether webhook.errors can be searched by this user. */
async function errorLogState(client: OdooClient, signal?: AbortSignal): Promise<Capabilities['errorLog']> {
  try {
    await client.search(ERROR_LOG_MODEL, [], { limit: 1 }, { signal });
    return 'readable';
  } catch (error) {
    if (error instanceof OcmError && error.code === 'access-error') return 'unreadable';
    if (error instanceof OcmError && error.code === 'model-missing') return 'missing';
    throw error;
  }
}

/** A one-line description of a server version, e.g. "Odoo 18.0 (18.0-20250421)". */
export function describeVersion(version: ServerVersion): string {
  return `Odoo ${version.serverSerie} (${version.serverVersion})`;
}


/** Why the remaining steps were skipped: English for the CLI, and its catalogue key. */
const skipReasons = {
  urlUnusable: 'the URL is not usable',
  certificate: 'the certificate was refused',
  notOdoo: 'the URL does not answer like Odoo',
  unreachable: 'the server could not be reached',
  loginFailed: 'the login failed',
  databaseMissing: 'the database does not exist',
  databaseUnopened: 'the database could not be opened',
  changeLogUninspected: 'the change log could not be inspected',
  changeLogMissing: 'the change log is missing',
  changeLogUnusable: 'the change log is not usable',
  transportUnusable: 'the protocol does not fit this server',
} as const;

/** Options of {@link runConnectionChecks}. */
export interface ConnectionCheckOptions {
  signal?: AbortSignal;
  /** The instance is watched without the module (polling): these models are checked instead of the log. */
  watch?: { models: readonly string[] };
}

/**
 * Runs the connection test step by step: reach, version, transport, database, login, change-log,
 * error-log, rights. With transport `'auto'` the transport is chosen from the version (transport-choice.ts)
 * and the transport step says which and why. Never rejects: each failure becomes a 'failed' step with
 * its own message, hint and code, and the steps that depend on it are 'skipped'. Warnings (unusual
 * version, a deprecated transport, unreadable error log, no delete right) do not stop the test.
 */
export async function runConnectionChecks(input: ConnectionTestInput, options: ConnectionCheckOptions = {}): Promise<ConnectionCheck[]> {
  const checks: ConnectionCheck[] = [];
  const order: ConnectionCheck['id'][] = ['reach', 'version', 'transport', 'database', 'login', 'change-log', 'error-log', 'rights'];
  const finish = (reason: keyof typeof skipReasons) => {
    for (const id of order.slice(checks.length)) checks.push({ id, status: 'skipped', message: `Skipped: ${skipReasons[reason]}.`, messageKey: `check.skipped.${reason}` });
    return checks;
  };
  // A failure is worded by its error code in the UI (no key): the server's own text is the detail.
  const failed = (id: ConnectionCheck['id'], error: unknown): ConnectionCheck => {
    const ocm = toOcmError(error);
    return { id, status: 'failed', message: ocm.message, hint: ocm.hint, code: ocm.code };
  };
  const call = { signal: options.signal };

  // 1. reach + 2. version (+ the transport's choice): unauthenticated calls.
  let opened: VersionedEndpoint;
  try {
    opened = await openVersionedEndpoint(input, call);
  } catch (error) {
    checks.push(failed('reach', error));
    const code = toOcmError(error).code;
    return finish(code === 'invalid-input' || code === 'not-tls' ? 'urlUnusable' : code === 'tls' ? 'certificate' : code === 'http-status' || code === 'protocol' || code === 'not-odoo' ? 'notOdoo' : 'unreachable');
  }
  const { endpoint, version, choice } = opened;
  let client: OdooClient | undefined;
  try {
    const protocol = TRANSPORT_LABELS[endpoint.transport];
    checks.push(
      input.transport === 'auto'
        ? { id: 'reach', status: 'ok', message: `Odoo answered at ${endpoint.url}.`, messageKey: 'check.reach.okAuto', params: { url: endpoint.url } }
        : { id: 'reach', status: 'ok', message: `Odoo answered at ${endpoint.url} over ${protocol}.`, messageKey: 'check.reach.ok', params: { url: endpoint.url, transport: protocol } },
    );
    checks.push(versionCheck(version));

    // 2b. transport: which one, why, and whether this server deprecates it.
    const { status, ...words } = transportNote(endpoint.transport, input.transport === 'auto' ? choice : (input.transportChoice ?? choice), { major: version.major, serie: version.serverSerie });
    checks.push({ id: 'transport', status, ...words, ...(status === 'ok' ? {} : { code: 'transport' }) });
    if (status === 'failed') return finish('transportUnusable');

    // 3. database + 4. login: the login tells both apart (a fault for the database, a refusal for the login).
    try {
      client = await connectOdoo({ ...input, transport: endpoint.transport }, { signal: options.signal, endpoint });
    } catch (error) {
      const ocm = toOcmError(error);
      if (ocm.code === 'auth-failed' || ocm.code === 'access-denied') {
        checks.push(databaseFound(input.db));
        checks.push(failed('login', ocm));
        return finish('loginFailed');
      }
      checks.push(failed('database', ocm));
      return finish(ocm.code === 'database-missing' ? 'databaseMissing' : 'databaseUnopened');
    }
    checks.push(databaseFound(input.db));
    checks.push({ id: 'login', status: 'ok', message: `Logged in as ${input.login} (user id ${client.uid}).`, messageKey: 'check.login.ok', params: { login: input.login, uid: client.uid } });

    // 5. change-log
    let fields: string[] | undefined;
    try {
      fields = await changeLogFieldsOf(client, options.signal);
    } catch (error) {
      checks.push(failed('change-log', error));
      return finish('changeLogUninspected');
    }
    if (options.watch) {
      try {
        const watch = await detectWatchCapabilities(client, options.watch.models, { signal: options.signal });
        checks.push(...watchChecks(input.login, input.db, { models: options.watch.models, moduleInstalled: fields !== undefined }, watch));
      } catch (error) {
        checks.push(failed('watch', error));
      }
      return checks;
    }
    if (!fields) {
      checks.push({
        id: 'change-log',
        status: 'failed',
        code: 'model-missing',
        message: `The auto_webhook module is not installed on database ${input.db} at ${endpoint.url} (model ${CHANGE_LOG_MODEL} is missing).`,
        hint: 'Install the auto_webhook module (or the Odoo Change Monitor addon) on this database from Odoo\'s Apps menu, or watch it without the module (polling: --source polling).',
        offer: 'polling',
        messageKey: 'check.changeLog.missing',
        hintKey: 'check.changeLog.missingHint',
        params: { db: input.db, url: endpoint.url, model: CHANGE_LOG_MODEL },
      });
      return finish('changeLogMissing');
    }
    const lacking = CHANGE_LOG_FIELDS.filter((name) => !fields.includes(name));
    if (lacking.length) {
      checks.push({
        id: 'change-log',
        status: 'failed',
        code: 'model-missing',
        message: `${CHANGE_LOG_MODEL} exists but lacks the field${lacking.length > 1 ? 's' : ''} ${lacking.join(', ')}: it is not the auto_webhook change log.`,
        hint: 'Another module defines a model with the same name; install auto_webhook or the Odoo Change Monitor addon.',
        messageKey: 'check.changeLog.foreign',
        hintKey: 'check.changeLog.foreignHint',
        params: { model: CHANGE_LOG_MODEL, fields: lacking.join(', '), count: lacking.length },
      });
      return finish('changeLogUnusable');
    }
    const rich = RICH_CHANGE_LOG_FIELDS.filter((name) => fields.includes(name));
    checks.push(
      rich.length
        ? { id: 'change-log', status: 'ok', message: `Change log ${CHANGE_LOG_MODEL} found, with the richer fields ${rich.join(', ')}.`, messageKey: 'check.changeLog.rich', params: { model: CHANGE_LOG_MODEL, fields: rich.join(', ') } }
        : {
            id: 'change-log',
            status: 'ok',
            message: `Change log ${CHANGE_LOG_MODEL} found (original module: ${CHANGE_LOG_FIELDS.join(', ')}).`,
            messageKey: 'check.changeLog.original',
            params: { model: CHANGE_LOG_MODEL, fields: CHANGE_LOG_FIELDS.join(', ') },
          },
    );

    // 6. error-log (never blocking)
    try {
      const state = await errorLogState(client, options.signal);
      checks.push(
        state === 'readable'
          ? { id: 'error-log', status: 'ok', message: `Error log ${ERROR_LOG_MODEL} is readable.`, messageKey: 'check.errorLog.ok', params: { model: ERROR_LOG_MODEL } }
          : state === 'unreadable'
            ? {
                id: 'error-log',
                status: 'warning',
                code: 'access-error',
                message: `Error log ${ERROR_LOG_MODEL} exists but ${input.login} may not read it (the original auto_webhook module grants nobody access); errors will not be mirrored.`,
                hint: ERROR_LOG_ACCESS_ADVICE,
                messageKey: 'check.errorLog.unreadable',
                hintKey: 'check.errorLog.unreadableHint',
                params: { model: ERROR_LOG_MODEL, login: input.login },
              }
            : {
                id: 'error-log',
                status: 'warning',
                code: 'model-missing',
                message: `There is no error log (${ERROR_LOG_MODEL}) on database ${input.db}; errors will not be mirrored.`,
                hint: 'Install the Odoo Change Monitor auto_webhook addon to get an error log.',
                messageKey: 'check.errorLog.missing',
                hintKey: 'check.errorLog.missingHint',
                params: { model: ERROR_LOG_MODEL, db: input.db },
              },
      );
    } catch (error) {
      checks.push({ ...failed('error-log', error), status: 'warning' });
    }

    // 7. rights
    try {
      const [canRead, canDelete] = await Promise.all([client.checkAccessRights(CHANGE_LOG_MODEL, 'read', call), client.checkAccessRights(CHANGE_LOG_MODEL, 'unlink', call)]);
      if (!canRead) {
        checks.push({
          id: 'rights',
          status: 'failed',
          code: 'access-error',
          message: `${input.login} may not read ${CHANGE_LOG_MODEL}, so nothing can be mirrored.`,
          hint: 'Use a login of an internal user (group "Internal User"), or ask an administrator for read access to the change log.',
          messageKey: 'check.rights.noRead',
          hintKey: 'check.rights.noReadHint',
          params: { login: input.login, model: CHANGE_LOG_MODEL },
        });
      } else if (!canDelete) {
        checks.push({
          id: 'rights',
          status: 'warning',
          code: 'access-error',
          message: `${input.login} may read ${CHANGE_LOG_MODEL} but not delete its rows: deleting and cleaning rows on the server will not be possible.`,
          hint: 'Use a login of an internal user (group "Internal User") for cleanup actions.',
          messageKey: 'check.rights.noDelete',
          hintKey: 'check.rights.noDeleteHint',
          params: { login: input.login, model: CHANGE_LOG_MODEL },
        });
      } else {
        checks.push({ id: 'rights', status: 'ok', message: `${input.login} may read and delete rows of ${CHANGE_LOG_MODEL}.`, messageKey: 'check.rights.ok', params: { login: input.login, model: CHANGE_LOG_MODEL } });
      }
    } catch (error) {
      checks.push(failed('rights', error));
    }
    return checks;
  } finally {
    if (client) client.close();
    else endpoint.close();
  }
}

function databaseFound(db: string): ConnectionCheck {
  return { id: 'database', status: 'ok', message: `Database ${db} exists.`, messageKey: 'check.database.ok', params: { db } };
}

/** The Odoo major versions the contract suite runs against (README's version matrix). */
export const TESTED_VERSIONS = { oldest: 17, newest: 20 } as const;

function versionCheck(version: ServerVersion): ConnectionCheck {
  const label = describeVersion(version);
  const params = { serie: version.serverSerie, build: version.serverVersion };
  const tested = `${TESTED_VERSIONS.oldest}–${TESTED_VERSIONS.newest}`;
  if (version.major > TESTED_VERSIONS.newest) {
    return {
      id: 'version',
      status: 'warning',
      code: 'version',
      message: `${label}: newer than the versions this app is tested with (${tested}).`,
      hint: 'Most things should work over JSON-2; if something fails, check for a newer version of this app.',
      messageKey: 'check.version.newer',
      hintKey: 'check.version.newerHint',
      params,
    };
  }
  if (version.major < TESTED_VERSIONS.oldest) {
    return {
      id: 'version',
      status: 'warning',
      code: 'version',
      message: `${label}: older than the versions this app is tested with (${tested}).`,
      hint: 'Most things should work, but upgrade Odoo if something fails.',
      messageKey: 'check.version.older',
      hintKey: 'check.version.olderHint',
      params,
    };
  }
  return { id: 'version', status: 'ok', message: label, messageKey: 'check.version.ok', params };
}
