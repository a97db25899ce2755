/**
 * The RPC routes: `/xmlrpc/<service>` and `/xmlrpc/2/<service>` (XML-RPC with string or integer fault
 * codes), `/jsonrpc`, and the JSON-RPC envelope every `type='json'` route shares (`/web/...` routes too).
 * From 19 the three RPC endpoints log a deprecation WARNING on every call, counted in the server log.
 */
import { pythonJsonDumps } from './codec/python';
import type { WireValue } from './codec/values';
import { formatFault, formatResponse, MarshalError, parseMethodCall, XmlRpcParseError } from './codec/xmlrpc';
import { faultCode, faultString, jsonRpcError, legacyFault, OdooException, pythonError, XMLRPC_ENTRY_FRAMES } from './errors';
import { HTML, JSON_TYPE, METHOD_NOT_ALLOWED_PAGE, mimeType, wrongContentType, XML, type HttpRequest, type Reply } from './http-exchange';
import { dispatchRpc, type RpcHost } from './rpc';
import { cannotMarshal, malformedXml } from './tracebacks';

/** Turns anything thrown by dispatch into an Odoo exception (bugs become fault 1 with the JS message). */
export function asOdooException(error: unknown): OdooException {
  if (error instanceof OdooException) return error;
  const message = error instanceof Error ? error.message : String(error);
  return pythonError('Exception', message);
}

/** Records in a result, for pacing: a list counts its items, anything else one. */
function rowsOf(result: WireValue | null): number {
  return Array.isArray(result) ? result.length : 1;
}

/** Logs (and counts) the 19+ deprecation WARNING of `/xmlrpc`, `/xmlrpc/2` and `/jsonrpc`. */
function warnDeprecatedEndpoint(host: RpcHost, controller: 'xmlrpc' | 'jsonrpc'): void {
  const notice = host.profile.rpcDeprecationNotice;
  if (!host.profile.rpcDeprecated || !notice) return;
  const logger = `odoo.addons.rpc.controllers.${controller}`;
  host.log.deprecated('endpoint', undefined, logger, notice.replace('%s', logger));
}

/** `POST /xmlrpc/<service>` (`legacy`, string fault codes) or `/xmlrpc/2/<service>`. */
export function xmlRpcReply(host: RpcHost, request: HttpRequest, service: string, legacy: boolean): Reply {
  if (request.method !== 'POST') return { status: 405, contentType: HTML, body: METHOD_NOT_ALLOWED_PAGE, headers: { Allow: 'POST' } };
  warnDeprecatedEndpoint(host, 'xmlrpc');
  const fault = (error: OdooException): Reply => {
    if (legacy) {
      const { code, message } = legacyFault(error, XMLRPC_ENTRY_FRAMES);
      return { status: 200, contentType: XML, body: formatFault(code, message), transport: 'xmlrpc' };
    }
    return { status: 200, contentType: XML, body: formatFault(faultCode(error), faultString(error)), transport: 'xmlrpc' };
  };
  let call;
  try {
    call = parseMethodCall(request.body);
  } catch (error) {
    if (error instanceof XmlRpcParseError) return fault(malformedXml(error.message));
    throw error;
  }
  let result: WireValue | null;
  try {
    result = dispatchRpc(host, service, call.method, call.params);
  } catch (error) {
    return fault(asOdooException(error));
  }
  try {
    if (result === null) throw new MarshalError('cannot marshal None unless allow_none is enabled');
    return { status: 200, contentType: XML, body: formatResponse(result), transport: 'xmlrpc', rows: rowsOf(result) };
  } catch (error) {
    if (error instanceof MarshalError) return fault(cannotMarshal(error.message));
    throw error;
  }
}

/** A `type='json'` route's handler: the request's `params` in, the result out (null = None). */
export type JsonRpcHandler = (params: Record<string, unknown>) => WireValue | null;

/** Extra answer headers a JSON-RPC handler may set (e.g. a session cookie). */
export interface JsonRpcExtras {
  headers?: Record<string, string>;
}

/**
 * The JSON-RPC envelope of a `type='json'` route (`routeType` is how the version names it): the content
 * type check (400 until 18, 415 from 19), the `{"jsonrpc", "id", "result" | "error"}` answer, errors with
 * the version's code and data layout.
 */
export function jsonRpcReply(host: RpcHost, request: HttpRequest, routePath: string, handler: JsonRpcHandler, extras: JsonRpcExtras = {}): Reply {
  const contentType = mimeType(request.headers['content-type']);
  if (contentType !== 'application/json' && contentType !== 'application/json-rpc') {
    return wrongContentType(host.profile.wrongContentTypeStatus, routePath, host.profile.version >= 19 ? 'jsonrpc' : 'json');
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(request.body);
  } catch {
    return { status: 400, contentType: HTML, body: 'Invalid JSON data' };
  }
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) return { status: 400, contentType: HTML, body: 'Invalid JSON-RPC data' };
  const { id = null, params } = envelope as { id?: WireValue; params?: unknown };
  const answer = (member: { result: WireValue | null } | { error: WireValue }, rows?: number): Reply => ({
    status: 200,
    contentType: JSON_TYPE,
    body: pythonJsonDumps({ jsonrpc: '2.0', id, ...member }),
    headers: extras.headers,
    transport: 'json',
    rows,
  });
  try {
    const result = handler(params && typeof params === 'object' && !Array.isArray(params) ? (params as Record<string, unknown>) : {});
    return answer({ result }, rowsOf(result));
  } catch (error) {
    return answer({ error: jsonRpcError(asOdooException(error), host.profile.jsonRpcErrorCode) });
  }
}

/** `POST /jsonrpc`: `{"service", "method", "args"}` to the RPC services. */
export function jsonRpcEndpoint(host: RpcHost, request: HttpRequest): Reply {
  return jsonRpcReply(host, request, '/jsonrpc', (params) => {
    warnDeprecatedEndpoint(host, 'jsonrpc');
    const missing = ['service', 'method', 'args'].filter((name) => !(name in params));
    if (missing.length) {
      throw pythonError(
        'TypeError',
        `RPC.jsonrpc() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${missing.map((name) => `'${name}'`).join(', ')}`,
      );
    }
    const args = Array.isArray(params.args) ? (params.args as WireValue[]) : [];
    return dispatchRpc(host, String(params.service), String(params.method), args);
  });
}
