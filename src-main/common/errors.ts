/**
 * Errors that cross every boundary of the app (transport, store, channel). Each carries a stable `code`
 * the UI and the CLI can switch on, a message that says what happened, a `hint` that says what to do,
 * and an optional `detail` (for example a server traceback) kept for the "details" disclosure.
 */

/** Every kind of failure the app knows how to explain. */
export type ErrorCode =
  // Reaching the server
  | 'network-refused' // nothing listens at the address
  | 'network-dns' // host name does not resolve
  | 'network-reset' // connection dropped mid-request
  | 'timeout'
  | 'tls' // certificate or handshake problem
  | 'http-status' // a non-200 HTTP answer (404 wrong URL, 502 proxy, ...)
  | 'protocol' // an answer that is not XML-RPC/JSON-RPC (HTML page, truncated body)
  | 'not-odoo' // the address answers, but it is not Odoo (a plain web server, another application)
  | 'not-tls' // an https:// address whose port speaks plain HTTP (Odoo's own port, 8069)
  // What Odoo said
  | 'auth-failed' // authenticate returned False: wrong login or password
  | 'access-denied' // Fault 3: credentials refused on a call
  | 'access-error' // Fault 4: the user lacks a permission
  | 'model-missing' // Fault 2 "Object X doesn't exist": module not installed
  | 'user-error' // Fault 2 other UserError / ValidationError
  | 'database-missing' // Fault 1 naming a database that does not exist
  | 'server-error' // Fault 1, any other server exception
  // Local
  | 'cancelled'
  | 'invalid-input'
  | 'not-found'
  | 'conflict'
  | 'store-locked'
  | 'store-corrupt'
  | 'browser-missing' // no Chromium-based browser to print a PDF with (HTML export works)
  | 'internal';

/** Plain-JSON form of an {@link OcmError}, used by the channel envelope and `--json` output. */
export interface SerializedError {
  code: ErrorCode;
  message: string;
  hint?: string;
  detail?: string;
}

/** The app's one error type. Subclassing is unnecessary: switch on `code`. */
export class OcmError extends Error {
  override readonly name = 'OcmError';
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly detail?: string;

  constructor(code: ErrorCode, message: string, options: { hint?: string; detail?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.detail = options.detail;
  }

  /** The plain-JSON form; `detail` is kept because it is what a support engineer asks for. */
  toJSON(): SerializedError {
    const out: SerializedError = { code: this.code, message: this.message };
    if (this.hint) out.hint = this.hint;
    if (this.detail) out.detail = this.detail;
    return out;
  }

  /** Message and hint on one line each, for logs and the CLI. */
  describe(): string {
    return this.hint ? `${this.message}\n  ${this.hint}` : this.message;
  }
}

/** Rebuilds an {@link OcmError} received over a channel. */
export function errorFromJSON(value: SerializedError): OcmError {
  return new OcmError(value.code, value.message, { hint: value.hint, detail: value.detail });
}

/** Wraps anything thrown into an {@link OcmError}, keeping OcmErrors as they are. */
export function toOcmError(error: unknown): OcmError {
  if (error instanceof OcmError) return error;
  if (isAbortError(error)) return new OcmError('cancelled', 'The operation was cancelled.');
  const message = error instanceof Error ? error.message : String(error);
  return new OcmError('internal', message, { cause: error, detail: error instanceof Error ? error.stack : undefined });
}

/**
 * Odoo refused the login or the password. Retrying the same password only adds "Login failed" lines to
 * Odoo's log (which can trip fail2ban or lock the account), so such a failure waits for the user.
 */
export function isLoginRefusal(code: string | undefined): boolean {
  return code === 'auth-failed' || code === 'access-denied';
}

/** True for the errors an AbortSignal produces (DOMException 'AbortError' or our own 'cancelled'). */
export function isAbortError(error: unknown): boolean {
  if (error instanceof OcmError) return error.code === 'cancelled';
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}
