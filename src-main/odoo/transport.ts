/** Picks the RPC transport driver (XML-RPC or JSON-RPC) of an endpoint; connection.ts picks the endpoint. */
import type { TransportKind } from '../common/model';
import { JsonRpcTransport } from './jsonrpc-transport';
import type { RpcTransport, TransportOptions } from './types';
import { XmlRpcTransport } from './xmlrpc-transport';

/** The transports spoken through Odoo's `dispatch_rpc` (`common`, `object`, `db` services). */
export type RpcTransportKind = Extract<TransportKind, 'xmlrpc' | 'jsonrpc'>;

/** Creates an XML-RPC or JSON-RPC transport to one server. Throws 'invalid-input' on a bad URL. */
export function createTransport(kind: RpcTransportKind, options: TransportOptions): RpcTransport {
  switch (kind) {
    case 'xmlrpc':
      return new XmlRpcTransport(options);
    case 'jsonrpc':
      return new JsonRpcTransport(options);
  }
}
