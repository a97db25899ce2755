/**
 * XML-RPC transport (`/xmlrpc/2/<service>`): requests are encoded by the `xmlrpc` package, answers are
 * decoded by our own {@link decodeXmlRpcResponse} (several times faster than the package's SAX
 * deserializer, and tested against it).
 *
 * The package's client is not used for the HTTP exchange because it cannot be made safe: it feeds every
 * non-404 answer to its XML parser (an HTML 502 page becomes parser noise), its `timeout` option does
 * nothing and its calls cannot be cancelled. Instead the request goes through {@link HttpEndpoint}
 * (keep-alive agent, real timeout, AbortSignal, status and content-type checks, TLS pinning) and only a
 * 200 `text/xml` answer is collected and decoded in one pass; requests are built with the package's
 * `serializeMethodCall` (wrapped in xmlrpc-codec.ts).
 */
import { faultToError, protocolError } from './faults';
import { readBody } from './http-exchange';
import { HttpRpcTransport } from './http-rpc-transport';
import type { TransportOptions } from './types';
import { encodeMethodCall } from './xmlrpc-codec';
import { decodeXmlRpcResponse, XmlRpcDecodeError } from './xmlrpc-decoder';

/** XML-RPC over `/xmlrpc/2/common|object|db`. */
export class XmlRpcTransport extends HttpRpcTransport {
  constructor(options: TransportOptions) {
    super(options, {
      kind: 'xmlrpc',
      encode: (service, method, args) => ({
        path: `/xmlrpc/2/${service}`,
        body: encodeMethodCall(method, args),
        contentType: 'text/xml',
        acceptContentType: /xml/i,
      }),
      decode: async (response, context) => {
        const body = await readBody(response);
        let answer;
        try {
          answer = decodeXmlRpcResponse(body);
        } catch (error) {
          if (!(error instanceof XmlRpcDecodeError)) throw error;
          // A body that ends before the document does is "cut off" (a dropped connection); anything else is not XML-RPC.
          const truncated = error.truncated || !response.complete;
          throw protocolError(truncated ? 'truncated' : 'unparsable', context, `${error.message}\n\n${body.toString('utf8', 0, 2048)}`);
        }
        if ('fault' in answer) throw faultToError(answer.fault.faultCode, answer.fault.faultString, context);
        return answer.value;
      },
    });
  }
}
