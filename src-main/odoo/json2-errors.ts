/**
 * What a failed JSON-2 call (`POST /json/2/<model>/<method>`, Odoo 19+) means, as an {@link OcmError}.
 * JSON-2 answers errors with an HTTP status and a JSON body `{name, message, arguments, context, debug}`
 * (`debug` is the server's traceback), or, before a database is selected, with an HTML page. The status
 * and the exception's `name` pick the code; the traceback is kept as `detail`, never put in a message.
 * Exceptions that XML-RPC also reports (AccessError, a missing model, a server failure) are worded by
 * {@link faultToError}, so every transport says the same thing for the same problem.
 */
import { OcmError } from '../common/errors';
import { describeCall, FaultCode, faultToError, httpStatusError, lastTracebackLine, type CallContext } from './faults';

/** The JSON body of a JSON-2 error answer. */
export interface Json2ErrorBody {
  name?: string;
  message?: string;
  arguments?: unknown[];
  context?: unknown;
  debug?: string;
}

/** Where an API key is made in Odoo, for hints. */
export const apiKeyHint = 'Create an API key in Odoo (your avatar → Preferences → Account Security → New API Key) and enter it as the password; JSON-2 accepts only API keys, and a key can expire or be revoked.';

/** Reads a JSON-2 error body; undefined when the body is not one (an HTML page, a proxy's text). */
export function parseJson2Error(body: string): Json2ErrorBody | undefined {
  if (!/^\s*\{/.test(body)) return undefined;
  try {
    const value = JSON.parse(body) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const error = value as Json2ErrorBody;
    return typeof error.name === 'string' || typeof error.message === 'string' ? error : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Maps a non-200 JSON-2 answer to an OcmError. `body` is the answer's text (or its first bytes), `path`
 * the request path, for the messages and the detail of answers that did not come from Odoo.
 */
export function json2Error(status: number, statusText: string | undefined, body: string, path: string, context: CallContext): OcmError {
  const error = parseJson2Error(body);
  if (!error) return nonJsonError(status, statusText, body, path, context);
  const name = error.name ?? '';
  const shortName = name.split('.').pop() ?? '';
  const message = (error.message ?? '').trim();
  const debug = error.debug || `${name}: ${message}`;
  const call = describeCall(context);
  const where = context.db ? `database ${context.db} at ${context.url}` : context.url;

  if (status === 401 || shortName === 'AccessDenied') {
    const noKey = /not authenticated|bearer authorization header/i.test(message);
    return new OcmError('access-denied', noKey ? `${context.url} received no API key for ${where} (${message})` : `Odoo refused the API key for ${where}: ${message || 'access denied'}.`, {
      hint: apiKeyHint,
      detail: debug,
    });
  }
  if (status === 403 || shortName === 'AccessError') {
    const refused = faultToError(FaultCode.accessError, message, context);
    return new OcmError('access-error', refused.message, { hint: refused.hint, detail: debug });
  }
  if (shortName === 'MissingError') {
    return new OcmError('not-found', `${message.split('\n')[0] || 'The record does not exist'} (${call} on ${where}).`, {
      hint: 'The record was deleted on the server, or this user may not see it; refresh and try again.',
      detail: debug,
    });
  }
  if (status === 404) {
    const model = /the model '([^']+)' does not exist/.exec(message);
    if (model) {
      const missing = faultToError(FaultCode.userError, `Object ${model[1]} doesn't exist`, context);
      return new OcmError(missing.code, missing.message, { hint: missing.hint, detail: debug });
    }
    const method = /The method '([^']+)' does not exist/.exec(message);
    if (method) {
      return new OcmError('not-found', `Odoo at ${context.url} has no public method ${method[1]}.`, {
        hint: 'The method is not offered by this Odoo version or its installed modules; check the server version and modules.',
        detail: debug,
      });
    }
    if (/did you mean post/i.test(message)) {
      return new OcmError('http-status', `${context.url} received the JSON-2 call ${call} as something other than a POST (${message}).`, {
        hint: 'A proxy in front of Odoo probably rewrites the request (a redirect turns POST into GET); use the server\'s final address as the URL.',
        detail: debug,
      });
    }
  }
  if (status === 422 || ['UserError', 'ValidationError', 'RedirectWarning'].includes(shortName)) {
    return new OcmError('user-error', `Odoo refused ${call}: ${message}`, {
      hint: status === 422 && shortName === 'UnprocessableEntity' ? 'The call\'s arguments do not fit the method (a bug in the caller): report it with the details.' : 'Odoo refused the operation as given; correct the input and try again.',
      detail: debug,
    });
  }
  if (status === 400) {
    return new OcmError('protocol', `${context.url} could not read the JSON-2 request for ${call}: ${message}`, {
      hint: 'Something between the app and Odoo changed the request body (a proxy or filter); if there is none, report it with the details.',
      detail: debug,
    });
  }
  if (status >= 500 && error.debug) {
    const failed = faultToError(FaultCode.serverError, error.debug, context);
    return new OcmError(failed.code, failed.code === 'server-error' ? `Odoo failed on ${call}: ${lastTracebackLine(error.debug)}` : failed.message, { hint: failed.hint, detail: debug });
  }
  return new OcmError(status >= 500 ? 'server-error' : 'http-status', `${context.url} answered ${status} to ${call}: ${message || name}`, {
    hint: status >= 500 ? 'The server failed; try again in a moment, or check its log.' : 'Check the URL and that it leads to an Odoo 19 (or later) server.',
    detail: debug,
  });
}

/** A non-200 answer without Odoo's JSON error body: an HTML page from Odoo itself, or from something in front of it. */
function nonJsonError(status: number, statusText: string | undefined, body: string, path: string, context: CallContext): OcmError {
  const detail = `${status} ${statusText ?? ''} for POST ${path}\n\n${body.slice(0, 4096)}`.trim();
  if (status === 404 && /No database is selected/i.test(body)) {
    return new OcmError('database-missing', `${context.url} has no database named ${context.db ?? '(none given)'}: Odoo answered that no database is selected.`, {
      hint: 'Check the database name (it is case-sensitive); the server may also hide databases that its dbfilter does not match.',
      detail,
    });
  }
  if (status === 404) {
    return new OcmError('http-status', `${context.url} has no JSON-2 API (404 for ${path}): it is not Odoo 19 or later, or the URL has a wrong path.`, {
      hint: 'JSON-2 needs Odoo 19 or later; use XML-RPC or JSON-RPC for older servers, and the address of the server itself as the URL.',
      detail,
    });
  }
  if (status === 415) {
    return new OcmError('protocol', `${context.url} refused the JSON-2 request's content type (415 Unsupported Media Type).`, {
      hint: 'Something between the app and Odoo changed the request\'s Content-Type (a proxy or filter); if there is none, report it with the details.',
      detail,
    });
  }
  return httpStatusError(status, statusText, path, body.slice(0, 4096), context);
}
