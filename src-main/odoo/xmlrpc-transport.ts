/**
 * XML-RPC transport (`/xmlrpc/2/<service>`), using the `xmlrpc` package as the codec.
 *
 * The package's client is not used for the HTTP exchange because it cannot be made safe: it feeds every
 * non-404 answer to its XML parser (an HTML 502 page becomes parser noise), its `timeout` option does
 * nothing and its calls cannot be cancelled. Instead the request goes through {@link HttpEndpoint}
 * (keep-alive agent, real timeout, AbortSignal, status and content-type checks, TLS pinning) and only a
 * 200 `text/xml` answer is streamed into the package's `Deserializer`; requests are built with its
 * `serializeMethodCall` (both wrapped in xmlrpc-codec.ts).
 */
import { faultToError } from './faults';
import { HttpRpcTransport } from './http-rpc-transport';
import type { TransportOptions } from './types';
import { decodeMethodResponse, encodeMethodCall } from './xmlrpc-codec';

/** XML-RPC over `/xmlrpc/2/common|object|db`. */
export class XmlRpcTransport extends HttpRpcTransport {
  constructor(options: TransportOptions) {
    super(options, {
      kind: 'xmlrpc',
      encode: (service, method, args) => ({
        path: `/xmlrpc/2/${service}`,
        body: encodeMethodCall(method, args),
        contentType: 'text/xml',
        accept: 'text/xml',
        acceptContentType: /xml/i,
      }),
      decode: async (response, context) => {
        const answer = await decodeMethodResponse(response);
        if ('fault' in answer) throw faultToError(answer.fault.faultCode, answer.fault.faultString, context);
        return answer.value;
      },
    });
  }
}
