/**
 * JSON-RPC transport (`POST /jsonrpc` with `params: {service, method, args}`), the same calls
 * as XML-RPC with a faster codec. Odoo's errors (`error.data.name` = exception class) are mapped to the
 * same OcmErrors as the equivalent XML-RPC faults.
 */
import { jsonRpcErrorToError, protocolError, type CallContext, type JsonRpcError } from './faults';
import { readBody } from './http-exchange';
import { HttpRpcTransport } from './http-rpc-transport';
import type { OdooValue, TransportOptions } from './types';

/** JSON-RPC 2.0 over `/jsonrpc`. */
export class JsonRpcTransport extends HttpRpcTransport {
  constructor(options: TransportOptions) {
    let nextId = 1;
    super(options, {
      kind: 'jsonrpc',
      encode: (service, method, args) => ({
        path: '/jsonrpc',
        // No "method": Odoo routes by path and documents that it ignores the member (odoo/http.py, JsonRPCDispatcher).
        body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, params: { service, method, args } }),
        contentType: 'application/json',
        acceptContentType: /json/i,
      }),
      decode: async (response, context) => decodeAnswer((await readBody(response)).toString('utf8'), context),
    });
  }
}

function decodeAnswer(text: string, context: CallContext): OdooValue {
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch (error) {
    // A body that stops mid-way is "cut off"; anything else is not JSON-RPC at all.
    const truncated = text.length > 0 && /^\s*[[{]/.test(text) && /end of json|unterminated|expected/i.test(String(error));
    throw protocolError(truncated ? 'truncated' : 'unparsable', context, `${String(error)}\n\n${text.slice(0, 2048)}`);
  }
  if (typeof answer !== 'object' || answer === null) throw protocolError('unparsable', context, text.slice(0, 2048));
  // The id is not checked: HTTP pairs each answer with its request, and some proxies rewrite ids.
  const envelope = answer as { result?: unknown; error?: JsonRpcError };
  if (envelope.error) throw jsonRpcErrorToError(envelope.error, context);
  if (!('result' in envelope)) throw protocolError('unparsable', context, text.slice(0, 2048));
  // Odoo never sends null inside results except for a method returning None, which JSON carries as null.
  return (envelope.result ?? false) as OdooValue;
}
