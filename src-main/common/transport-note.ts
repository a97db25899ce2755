/**
 * What to tell people about an instance's transport: which one, why it was chosen, and whether the
 * server deprecates it (XML-RPC and JSON-RPC on Odoo 19 and later, which offer JSON-2). The connection
 * test, `ocm instance add | list` and the instance editor all word it here: the English sentence for the
 * CLI and logs, a catalogue key with parameters for the workbench (`transport.*` in src-renderer/i18n).
 */
import { TRANSPORT_LABELS, type MessageValues, type TransportChoice, type TransportKind } from './model';

/** The first Odoo major version with JSON-2 (and with XML-RPC and JSON-RPC deprecated). */
export const JSON2_SINCE = 19;

/** The Odoo major version that removes XML-RPC and JSON-RPC (`common` and `object`), per Odoo's documentation. */
export const RPC_REMOVED_IN = 22;

/** Where an API key is made in Odoo, as the hints say it. */
export const API_KEY_STEPS = 'your avatar → Preferences → Account Security → New API Key';

/** A transport's note: a connection-test step's status and words. */
export interface TransportNote {
  status: 'ok' | 'warning' | 'failed';
  message: string;
  hint?: string;
  messageKey: string;
  hintKey?: string;
  params: MessageValues;
}

/** Odoo's API keys are 40 hexadecimal characters (`binascii.hexlify(os.urandom(20))` in res_users_apikeys.py). */
export function looksLikeApiKey(secret: string): boolean {
  return /^[0-9a-f]{40}$/i.test(secret.trim());
}

/** The major version in a `server_version` string ('19.0-20251227' → 19, 'saas~18.4' → 18), or undefined. */
export function majorOfServerVersion(serverVersion: string | undefined): number | undefined {
  const match = /^(?:saas~)?(\d+)/.exec(serverVersion ?? '');
  return match ? Number(match[1]) : undefined;
}

/** What is known of the server now (the connection test's version, or the last sync's), when it may differ from the choice's. */
export interface ServerNow {
  major?: number;
  serie?: string;
}

/**
 * The note on `transport`, chosen as `choice` says (undefined: an instance saved before transports were
 * chosen, treated as set by the user), on the server as `now` knows it (default: as it was when chosen).
 * A deprecated transport on a server that offers JSON-2 is a warning whatever the reason, so an
 * upgrade of the server shows up.
 */
export function transportNote(transport: TransportKind, choice: TransportChoice | undefined, now: ServerNow = {}): TransportNote {
  const label = TRANSPORT_LABELS[transport];
  const major = now.major ?? choice?.major;
  const serie = now.serie ?? (now.major !== undefined && now.major !== choice?.major ? `${now.major}.0` : choice?.serverSerie) ?? '';
  const params: MessageValues = { transport: label, serie };
  const apiKeyHint = `Create an API key in Odoo (${API_KEY_STEPS}) and enter it instead of the password; Odoo ${RPC_REMOVED_IN} removes XML-RPC and JSON-RPC.`;
  const reason = choice?.reason ?? 'forced';

  if (reason === 'json2-needs-key') {
    return {
      status: 'warning',
      message: `${label} for now: Odoo ${serie} offers JSON-2, which needs an API key, and a password was given.`,
      hint: apiKeyHint,
      messageKey: 'transport.needsKey',
      hintKey: 'transport.needsKeyHint',
      params,
    };
  }
  if (transport === 'json2' && major !== undefined && major < JSON2_SINCE) {
    return {
      status: 'failed',
      message: `JSON-2 needs Odoo ${JSON2_SINCE} or later; this server runs Odoo ${serie}.`,
      hint: 'Choose Automatic, JSON-RPC or XML-RPC.',
      messageKey: 'transport.json2TooOld',
      hintKey: 'transport.json2TooOldHint',
      params,
    };
  }
  if (transport !== 'json2' && major !== undefined && major >= JSON2_SINCE) {
    return {
      status: 'warning',
      message: `${label} is deprecated on Odoo ${serie}, which offers JSON-2; Odoo ${RPC_REMOVED_IN} removes it.`,
      hint: `Choose Automatic (or JSON-2) and enter an API key (${API_KEY_STEPS}).`,
      messageKey: 'transport.deprecated',
      hintKey: 'transport.deprecatedHint',
      params,
    };
  }
  switch (reason) {
    case 'json2':
      return { status: 'ok', message: `JSON-2, chosen automatically: Odoo ${serie} offers it and an API key was given.`, messageKey: 'transport.json2', params };
    case 'jsonrpc':
      return { status: 'ok', message: `JSON-RPC, chosen automatically: Odoo ${serie} answers it, and it is faster than XML-RPC.`, messageKey: 'transport.jsonrpc', params };
    case 'xmlrpc':
      return { status: 'ok', message: 'XML-RPC, chosen automatically: the server does not answer JSON-RPC.', messageKey: 'transport.xmlrpc', params };
    case 'unreachable':
      return {
        status: 'warning',
        message: `${label} for now: the server could not be asked for its version.`,
        hint: 'Save the instance again (transport: Automatic) once the server answers, and the transport is chosen from its version.',
        messageKey: 'transport.unreachable',
        hintKey: 'transport.unreachableHint',
        params,
      };
    default:
      return { status: 'ok', message: `${label}, as chosen.`, messageKey: 'transport.forced', params };
  }
}
