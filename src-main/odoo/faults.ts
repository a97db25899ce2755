/**
 * The one mapping from what can go wrong on an Odoo call to an {@link OcmError}: XML-RPC faults,
 * JSON-RPC errors (normalised to the same fault codes first, so both transports say the same thing),
 * HTTP statuses, unparsable answers and network failures. Messages say what happened (naming the URL
 * and database), hints say what to do.
 */
import http from 'node:http';
import { OcmError } from '../common/errors';
import { CHANGE_LOG_MODEL, ERROR_LOG_ACCESS_ADVICE, ERROR_LOG_MODEL } from './log-models';
import { TlsRejection } from './tls';

/** What a failed call was about, for messages. Built by the transports from the call itself. */
export interface CallContext {
  /** Base URL of the server (as the user typed it, normalised). */
  url: string;
  service: string;
  method: string;
  /** The database named by the call (authenticate, login, execute_kw), if any. */
  db?: string;
  /** The model named by execute_kw, if any. */
  model?: string;
  /** The model method named by execute_kw, if any. */
  modelMethod?: string;
  /** The timeout that applied to the call, in ms. */
  timeoutMs?: number;
}

/** Odoo's XML-RPC fault codes on `/xmlrpc/2/*`. */
export const FaultCode = {
  serverError: 1,
  userError: 2,
  accessDenied: 3,
  accessError: 4,
} as const;

/** Models of the auto_webhook module: a missing one means the module is not installed. */
const moduleModels = new Set([CHANGE_LOG_MODEL, ERROR_LOG_MODEL, 'webhook.cleanup.cron']);

/** Builds the context of a call from its service, method and positional arguments. */
export function callContext(url: string, service: string, method: string, args: readonly unknown[], timeoutMs?: number): CallContext {
  const context: CallContext = { url, service, method, timeoutMs };
  const namesDatabase = (service === 'common' && (method === 'authenticate' || method === 'login')) || (service === 'object' && (method === 'execute_kw' || method === 'execute'));
  if (namesDatabase && typeof args[0] === 'string') context.db = args[0];
  if (service === 'object' && typeof args[3] === 'string') context.model = args[3];
  if (service === 'object' && typeof args[4] === 'string') context.modelMethod = args[4];
  return context;
}

/** Model methods that change nothing (or, like unlink, end in the same state when repeated). */
const repeatableMethods = new Set(['search', 'search_read', 'search_count', 'read', 'fields_get', 'read_group', 'formatted_read_group', 'check_access_rights', 'unlink', 'name_search', 'web_search_read', 'has_access', 'context_get']);

/** Whether a call may be sent a second time if its first attempt failed before reaching the server. */
export function isRepeatable(context: CallContext): boolean {
  if (context.service !== 'object') return true; // version, authenticate, login, db.list
  return context.modelMethod !== undefined && repeatableMethods.has(context.modelMethod);
}

/** The last non-empty line of a Python traceback (the exception itself). */
export function lastTracebackLine(traceback: string): string {
  const lines = traceback.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  return lines.length ? lines[lines.length - 1] : traceback.trim();
}

/** Maps an XML-RPC fault (or a JSON-RPC error normalised by {@link jsonRpcErrorToError}) to an OcmError. */
export function faultToError(faultCode: number | string, faultString: string, context: CallContext): OcmError {
  const where = context.db ? `database ${context.db} on ${context.url}` : context.url;
  const code = typeof faultCode === 'string' ? Number.parseInt(faultCode, 10) : faultCode;
  switch (code) {
    case FaultCode.accessDenied:
      return new OcmError('access-denied', `Odoo refused the login or password for ${where}.`, {
        hint: 'Check the login and the password or API key: it may have been changed or revoked since it was saved.',
        detail: faultString,
      });
    case FaultCode.accessError:
      return new OcmError('access-error', faultString.trim(), { hint: accessErrorHint(faultString, context), detail: describeCall(context) });
    case FaultCode.userError: {
      const missing = /Object (\S+) doesn't exist/.exec(faultString);
      if (missing) return modelMissingError(missing[1], context);
      return new OcmError('user-error', faultString.trim(), {
        hint: 'Odoo refused the operation as given; correct the input and try again.',
        detail: describeCall(context),
      });
    }
    case FaultCode.serverError:
    default: {
      const last = lastTracebackLine(faultString);
      const database = /database "([^"]+)" does not exist/.exec(last);
      if (database) {
        return new OcmError('database-missing', `database "${database[1]}" does not exist on ${context.url}`, {
          hint: 'Check the database name (it is case-sensitive).',
          detail: faultString,
        });
      }
      return new OcmError('server-error', last || `Odoo failed while handling ${describeCall(context)}.`, {
        hint: `The Odoo server at ${context.url} failed while handling ${describeCall(context)}; the details hold its traceback.`,
        detail: faultString,
      });
    }
  }
}

function modelMissingError(model: string, context: CallContext): OcmError {
  const where = context.db ? `database ${context.db} at ${context.url}` : context.url;
  if (moduleModels.has(model)) {
    return new OcmError('model-missing', `The auto_webhook module is not installed on ${where} (model ${model} is missing).`, {
      hint: 'Install the auto_webhook module (or the Odoo Change Monitor addon) on this database from Odoo\'s Apps menu.',
    });
  }
  return new OcmError('model-missing', `Model ${model} does not exist on ${where}.`, {
    hint: 'Install the Odoo module that provides this model, or check its technical name.',
  });
}

function accessErrorHint(faultString: string, context: CallContext): string {
  if (faultString.startsWith('Private methods')) return 'Methods whose name starts with "_" cannot be called over RPC.';
  if (context.model === ERROR_LOG_MODEL || faultString.includes(`(${ERROR_LOG_MODEL})`)) {
    return ERROR_LOG_ACCESS_ADVICE;
  }
  return `Ask an Odoo administrator for access${context.model ? ` to ${context.model}` : ''}.`;
}

/** `model.method` of an execute_kw or JSON-2 call, else `service.method`, for messages. */
export function describeCall(context: CallContext): string {
  if (context.model) return `${context.model}.${context.modelMethod ?? '?'}`;
  return `${context.service}.${context.method}`;
}

/** The `error` member of a JSON-RPC answer as Odoo sends it. */
export interface JsonRpcError {
  code?: number;
  message?: string;
  data?: { name?: string; message?: string; debug?: string; arguments?: unknown[] };
}

/**
 * Maps a JSON-RPC error to the same OcmError as the equivalent XML-RPC fault: the exception class in
 * `data.name` picks the fault code Odoo's XML-RPC handler would have used.
 */
export function jsonRpcErrorToError(error: JsonRpcError, context: CallContext): OcmError {
  const name = error.data?.name ?? '';
  const message = error.data?.message ?? error.message ?? 'Odoo Server Error';
  const debug = error.data?.debug ?? '';
  const shortName = name.split('.').pop() ?? '';
  if (shortName === 'AccessDenied') return faultToError(FaultCode.accessDenied, message, context);
  if (shortName === 'AccessError') return faultToError(FaultCode.accessError, message, context);
  if (['UserError', 'ValidationError', 'MissingError', 'RedirectWarning', 'Warning'].includes(shortName) && name.startsWith('odoo.')) {
    return faultToError(FaultCode.userError, message, context);
  }
  if (name === 'odoo.http.SessionExpiredException') {
    return new OcmError('access-denied', `The session on ${context.url} expired.`, { hint: 'Connect again.', detail: debug || message });
  }
  // Any other exception: the traceback plays the part of XML-RPC's faultString.
  const traceback = debug || (name ? `${name}: ${message}` : message);
  return faultToError(FaultCode.serverError, traceback, context);
}

/** A non-200 HTTP answer. `body` is the first bytes of the answer, kept as detail. */
export function httpStatusError(status: number, statusText: string | undefined, path: string, body: string, context: CallContext, location?: string): OcmError {
  const label = `${status} ${statusText || http.STATUS_CODES[status] || ''}`.trim();
  const detail = body ? `${label} for POST ${path}\n\n${body}` : `${label} for POST ${path}`;
  if (status >= 300 && status < 400) {
    return new OcmError('http-status', `${context.url} answered ${label}${location ? `, redirecting to ${location}` : ''}: RPC calls cannot follow redirects.`, {
      hint: location ? `Use the address the server redirects to (${redirectBase(location, path)}) as the URL.` : 'Check the URL, for example https:// instead of http://.',
      detail,
    });
  }
  if (status === 404) {
    return new OcmError('http-status', `${context.url} answered ${label} for ${path}: it is probably not an Odoo server, or the URL has a wrong path.`, {
      hint: 'Use the address of the Odoo server itself, e.g. https://erp.example.com, without /web or /odoo at the end.',
      detail,
    });
  }
  if (status === 405) {
    return new OcmError('http-status', `${context.url} answered ${label} for ${path}: the URL probably does not lead to an Odoo server.`, {
      hint: 'Check the URL: use the address of the Odoo server itself.',
      detail,
    });
  }
  if (status === 502 || status === 503 || status === 504) {
    return new OcmError('http-status', `${context.url} answered ${label}: a proxy in front of Odoo could not get an answer from it.`, {
      hint: 'The Odoo server behind the proxy is probably restarting, overloaded or down; try again in a moment, or ask its administrator.',
      detail,
    });
  }
  if (status === 401 || status === 403) {
    return new OcmError('http-status', `${context.url} answered ${label}: something in front of Odoo refused the request.`, {
      hint: 'A proxy or firewall needs its own authorisation or blocks RPC; ask the server\'s administrator.',
      detail,
    });
  }
  if (status === 413) {
    return new OcmError('http-status', `${context.url} answered ${label}: the request was too large for the server or a proxy.`, {
      hint: 'Use smaller batches.',
      detail,
    });
  }
  return new OcmError('http-status', `${context.url} answered ${label} instead of an RPC answer.`, {
    hint: status >= 500 ? 'The server failed; try again in a moment, or check its log.' : 'Check the URL and that it leads to an Odoo server.',
    detail,
  });
}

/**
 * The server gave an answer no Odoo gives to this call (`answer`, e.g. "501 Unsupported method" or "an
 * HTML page"), and does not answer Odoo's version request either: it is not Odoo.
 */
export function notOdooError(context: CallContext, answer: string, detail: string): OcmError {
  return new OcmError('not-odoo', `${context.url} is not an Odoo server: it answered ${answer} to Odoo's ${describeCall(context)} call, and does not answer Odoo's version request either.`, {
    hint: 'Check the address: use the one Odoo opens at in a browser (e.g. https://erp.example.com, or http://host:8069), without a path after it. A proxy or sign-in page answering in Odoo\'s place gives this too.',
    detail,
  });
}

/** An https:// URL whose port answered the TLS handshake as plain HTTP does. */
export function plainHttpError(context: CallContext, detail: string): OcmError {
  const url = hostPortOf(context.url);
  return new OcmError('not-tls', `${url} speaks plain HTTP, not HTTPS: the address starts with https:// but this port does not use TLS.`, {
    hint: `Use http:// instead (${context.url.replace(/^https:/i, 'http:')}), or the port where a proxy serves Odoo over https (usually 443).`,
    detail,
  });
}

/** An answer that is not what the protocol says (an HTML page, a truncated or unparsable body). */
export function protocolError(kind: 'not-rpc' | 'truncated' | 'unparsable', context: CallContext, detail: string, contentType?: string): OcmError {
  const protocol = context.service === 'jsonrpc' ? 'JSON-RPC' : 'an RPC answer';
  if (kind === 'truncated') {
    return new OcmError('protocol', `The answer from ${context.url} was cut off before it was complete.`, {
      hint: 'The connection dropped in the middle of the answer (a server restart or a proxy limit); try again.',
      detail,
    });
  }
  if (kind === 'not-rpc') {
    const what = contentType && contentType.includes('html') ? 'an HTML page' : `"${contentType || 'no content type'}"`;
    return new OcmError('protocol', `${context.url} answered with ${what} instead of ${protocol}: it is probably not an Odoo server, or a proxy or login page is in the way.`, {
      hint: 'Check the URL: use the address of the Odoo server itself, e.g. https://erp.example.com.',
      detail,
    });
  }
  return new OcmError('protocol', `The answer from ${context.url} is not valid ${protocol}.`, {
    hint: 'Check that the URL leads to an Odoo server and not to a proxy or another application.',
    detail,
  });
}

/** Maps a Node network or TLS error to an OcmError. */
export function networkError(error: unknown, context: CallContext, certificateFingerprint?: string): OcmError {
  if (error instanceof OcmError) return error;
  if (error instanceof TlsRejection) return tlsError(error.reason, error.fingerprint256 ?? certificateFingerprint, context, error.subject);
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const host = hostOf(context.url);
  switch (code) {
    case 'ECONNREFUSED':
      return new OcmError('network-refused', `Nothing answered at ${context.url}: connection refused.`, {
        hint: 'Check the URL and the port, and that the Odoo server is running.',
        detail: message,
        cause: error,
      });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return new OcmError('network-refused', `${context.url} cannot be reached from this computer (${code === 'ENETUNREACH' ? 'network' : 'host'} unreachable).`, {
        hint: 'Check the network connection, VPN and the URL.',
        detail: message,
        cause: error,
      });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new OcmError('network-dns', `The host name ${host} (in ${context.url}) could not be resolved.`, {
        hint: code === 'EAI_AGAIN' ? 'The name server did not answer: check the network connection and try again.' : 'Check the spelling of the URL, and the network or VPN connection.',
        detail: message,
        cause: error,
      });
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return new OcmError('network-reset', `The connection to ${context.url} was dropped before Odoo answered.`, {
        hint: 'The server or a proxy closed the connection (restart, crash or overload); try again in a moment.',
        detail: message,
        cause: error,
      });
    case 'ETIMEDOUT':
      return timeoutError(context);
  }
  if (/socket hang up/i.test(message)) {
    return new OcmError('network-reset', `The connection to ${context.url} was dropped before Odoo answered.`, {
      hint: 'The server or a proxy closed the connection (restart, crash or overload); try again in a moment.',
      detail: message,
      cause: error,
    });
  }
  if (isTlsCode(code)) return tlsError(code!, certificateFingerprint, context);
  if (code === 'EPROTO' || /wrong version number|ssl3_get_record|packet length too long/i.test(message)) {
    return new OcmError('tls', `The TLS handshake with ${context.url} failed: the server does not seem to speak https on this port.`, {
      hint: 'Check whether the URL should start with http:// instead of https://, and the port.',
      detail: message,
      cause: error,
    });
  }
  return new OcmError('network-reset', `The connection to ${context.url} failed: ${message}`, {
    hint: 'Check the URL and the network connection, then try again.',
    detail: message,
    cause: error,
  });
}

/** The call did not finish in time. */
export function timeoutError(context: CallContext): OcmError {
  const seconds = context.timeoutMs === undefined ? 'the allowed time' : formatDuration(context.timeoutMs);
  return new OcmError('timeout', `${context.url} did not answer ${describeCall(context)} within ${seconds}.`, {
    hint: 'The server may be overloaded or the network slow; try again, or raise the timeout.',
  });
}

/** The caller aborted the call. */
export function cancelledError(context: CallContext): OcmError {
  return new OcmError('cancelled', `The call ${describeCall(context)} to ${context.url} was cancelled.`);
}

/** True for Node's certificate verification codes. */
export function isTlsCode(code: string | undefined): boolean {
  if (!code) return false;
  return (
    code.startsWith('CERT_') ||
    code.startsWith('ERR_TLS_') ||
    code.startsWith('ERR_SSL_') ||
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'HOSTNAME_MISMATCH'].includes(code)
  );
}

const tlsReasons: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chain ends in a self-signed certificate that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate cannot be verified (unknown issuer or incomplete chain)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate was issued by an authority this computer does not know',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate is for another host name',
  HOSTNAME_MISMATCH: 'the certificate is for another host name',
  CERT_FINGERPRINT_MISMATCH: 'the certificate is not the one trusted for this instance',
};

function tlsError(reason: string, fingerprint: string | undefined, context: CallContext, subject?: string): OcmError {
  const why = tlsReasons[reason] ?? `certificate problem ${reason}`;
  const of = subject ? ` (issued to ${subject})` : '';
  const fingerprintText = fingerprint ? ` Its SHA-256 fingerprint is ${fingerprint}.` : '';
  const hint =
    reason === 'CERT_FINGERPRINT_MISMATCH'
      ? 'The server presents a different certificate than before: confirm the new fingerprint with the server\'s administrator before trusting it.'
      : fingerprint
        ? 'If this is the server\'s own certificate (for example self-signed), compare the fingerprint with the server\'s and trust it for this instance only; otherwise check the URL.'
        : 'Check the URL, or ask the server\'s administrator for a valid certificate.';
  return new OcmError('tls', `The certificate of ${context.url}${of} was refused: ${why}.${fingerprintText}`, {
    hint,
    detail: reason,
  });
}

/** The base URL a redirect points to, without the RPC path that was requested. */
function redirectBase(location: string, path: string): string {
  return location.endsWith(path) ? location.slice(0, location.length - path.length) || location : location;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function hostPortOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.port ? `${parsed.hostname}:${parsed.port}` : `${parsed.hostname} (port 443)`;
  } catch {
    return url;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

/** 30000 → "30 s", 1500 → "1.5 s", 200 → "200 ms". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
