/** Picks the transport driver for a {@link TransportKind}. */
import { JsonRpcTransport } from './jsonrpc-transport';
import type { TransportKind } from '../common/model';
import type { RpcTransport, TransportOptions } from './types';
import { XmlRpcTransport } from './xmlrpc-transport';

/** Creates an XML-RPC or JSON-RPC transport to one server. Throws 'invalid-input' on a bad URL. */
export function createTransport(kind: TransportKind, options: TransportOptions): RpcTransport {
  return kind === 'jsonrpc' ? new JsonRpcTransport(options) : new XmlRpcTransport(options);
}
