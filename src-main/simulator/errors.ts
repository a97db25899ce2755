/**
 * Python exceptions as the simulated Odoo raises them, and how each becomes an XML-RPC fault or a JSON-RPC
 * error. Fault codes follow `odoo/addons/base/controllers/rpc.py`: AccessError 4, AccessDenied 3,
 * UserError (and MissingError, ValidationError, RedirectWarning) 2, anything else 1 with the traceback.
 */
import type { WireValue } from './codec/values';

/** The Odoo exception classes the simulator raises; anything else is a plain Python error (fault 1). */
export type OdooExceptionKind = 'AccessDenied' | 'AccessError' | 'UserError' | 'MissingError' | 'ValidationError' | 'Python';

const ODOO_ROOT = '/usr/lib/python3/dist-packages/odoo';

/** One traceback frame as Python prints it (file, line, function, source line, optional caret line). */
export function frame(file: string, line: number, fn: string, source: string, caret = true): string {
  const path = file.startsWith('/') ? file : `${ODOO_ROOT}/${file}`;
  let text = `  File "${path}", line ${line}, in ${fn}\n    ${source.trim()}\n`;
  if (caret) {
    // Python 3.11 underlines the failing expression; an approximation keeps tracebacks realistic.
    const expression = source.trim().replace(/^(return |raise |\w+(?:\.\w+)? = )/, '');
    const start = source.trim().length - expression.length;
    text += `    ${' '.repeat(start)}${'^'.repeat(Math.max(1, expression.length))}\n`;
  }
  return text;
}

/** An exception raised inside the simulated server. */
export class OdooException extends Error {
  override readonly name = 'OdooException';

  /**
   * @param kind which Odoo exception class (decides the fault code)
   * @param pythonType fully qualified Python type, e.g. `odoo.exceptions.AccessError`, `ValueError`
   * @param message `str(exception)`
   * @param frames traceback frames below the RPC entry point (innermost last)
   * @param options `chained`: text of an earlier traceback ("During handling of the above exception...");
   *   `entry`: entry frames replacing the route's own (errors raised before dispatch)
   */
  constructor(
    readonly kind: OdooExceptionKind,
    readonly pythonType: string,
    message: string,
    readonly frames: readonly string[] = [],
    readonly options: { chained?: string; entry?: readonly string[] } = {},
  ) {
    super(message);
  }

  /** The last line of a traceback: `ValueError: ...` or `odoo.exceptions.AccessError: ...`. */
  get finalLine(): string {
    return `${this.pythonType}: ${this.message}`;
  }
}

/** `odoo.exceptions.AccessDenied()` (wrong credentials). */
export function accessDenied(frames: readonly string[] = []): OdooException {
  return new OdooException('AccessDenied', 'odoo.exceptions.AccessDenied', 'Access Denied', frames);
}

/** `odoo.exceptions.AccessError(message)`. */
export function accessError(message: string, frames: readonly string[] = []): OdooException {
  return new OdooException('AccessError', 'odoo.exceptions.AccessError', message, frames);
}

/** `odoo.exceptions.UserError(message)`. */
export function userError(message: string, frames: readonly string[] = []): OdooException {
  return new OdooException('UserError', 'odoo.exceptions.UserError', message, frames);
}

/** `odoo.exceptions.MissingError(message)`. */
export function missingError(message: string, frames: readonly string[] = []): OdooException {
  return new OdooException('MissingError', 'odoo.exceptions.MissingError', message, frames);
}

/** `odoo.exceptions.ValidationError(message)`. */
export function validationError(message: string, frames: readonly string[] = []): OdooException {
  return new OdooException('ValidationError', 'odoo.exceptions.ValidationError', message, frames);
}

/** A plain Python exception (`ValueError`, `KeyError`, `TypeError`, ...): fault 1 with a traceback. */
export function pythonError(pythonType: string, message: string, frames: readonly string[] = []): OdooException {
  return new OdooException('Python', pythonType, message, frames);
}

/** Traceback text for an exception, given the frames of the entry point that caught it. */
export function formatTraceback(error: OdooException, entryFrames: readonly string[]): string {
  const entry = (error.options.entry ?? entryFrames).join('');
  return `${error.options.chained ?? ''}Traceback (most recent call last):\n${entry}${error.frames.join('')}${error.finalLine}\n`;
}

/** Fault code on `/xmlrpc/2/*`. */
export function faultCode(error: OdooException): number {
  switch (error.kind) {
    case 'AccessError':
      return 4;
    case 'AccessDenied':
      return 3;
    case 'UserError':
    case 'MissingError':
    case 'ValidationError':
      return 2;
    default:
      return 1;
  }
}

/** Frames of `/xmlrpc/2/<service>` down to the service dispatcher. */
export const XMLRPC_ENTRY_FRAMES: readonly string[] = [
  frame('addons/base/controllers/rpc.py', 165, 'xmlrpc_2', 'response = self._xmlrpc(service)'),
  frame('addons/base/controllers/rpc.py', 139, '_xmlrpc', 'result = dispatch_rpc(service, method, params)'),
];

/** Frames of `/jsonrpc` down to the service dispatcher. */
export const JSONRPC_ENTRY_FRAMES: readonly string[] = [
  frame('http.py', 2388, '__call__', 'response = request._serve_nodb()'),
  frame('http.py', 1860, '_serve_nodb', 'response = self.dispatcher.dispatch(rule.endpoint, args)'),
  frame('http.py', 2180, 'dispatch', 'result = endpoint(**self.request.params)'),
  frame('http.py', 727, 'route_wrapper', 'result = endpoint(self, *args, **params_ok)'),
  frame('addons/base/controllers/rpc.py', 178, 'jsonrpc', 'return dispatch_rpc(service, method, args)'),
];

/** Fault string on `/xmlrpc/2/*`: the message for Odoo exceptions, the traceback otherwise. */
export function faultString(error: OdooException, entryFrames: readonly string[] = XMLRPC_ENTRY_FRAMES): string {
  return faultCode(error) === 1 ? formatTraceback(error, entryFrames) : error.message;
}

/** Legacy `/xmlrpc/<service>` faults: string fault codes (`xmlrpc_handle_exception_string`). */
export function legacyFault(error: OdooException, entryFrames: readonly string[]): { code: string; message: string } {
  switch (error.kind) {
    case 'MissingError':
      return { code: `warning -- MissingError\n\n${error.message}`, message: '' };
    case 'AccessError':
      return { code: `warning -- AccessError\n\n${error.message}`, message: '' };
    case 'AccessDenied':
      return { code: 'AccessDenied', message: error.message };
    case 'UserError':
    case 'ValidationError':
      return { code: `warning -- UserError\n\n${error.message}`, message: '' };
    default:
      return { code: error.message, message: formatTraceback(error, entryFrames) };
  }
}

/**
 * The JSON-RPC `error` member Odoo's `JsonRPCDispatcher.handle_error` writes: until 18 `code` 200 and
 * `data` as {name, debug, message, arguments, context}; from 19 `code` 0, `data` as {name, message,
 * arguments, context, debug}, and AccessDenied without its traceback (recorded in both).
 */
export function jsonRpcError(error: OdooException, code: 200 | 0 = 200): { [key: string]: WireValue } {
  const name = error.pythonType.includes('.') ? error.pythonType : `builtins.${error.pythonType}`;
  if (code === 200) {
    return {
      code,
      message: 'Odoo Server Error',
      data: { name, debug: formatTraceback(error, JSONRPC_ENTRY_FRAMES), message: error.message, arguments: [error.message], context: {} },
    };
  }
  const debug = error.kind === 'AccessDenied' ? `${error.finalLine}\n` : formatTraceback(error, JSONRPC_ENTRY_FRAMES);
  return { code, message: 'Odoo Server Error', data: { name, message: error.message, arguments: [error.message], context: {}, debug } };
}
