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
import { callContext, isRepeatable, faultToError } from './faults';
import { HttpEndpoint } from './http-exchange';
import type { CallOptions, OdooValue, RpcTransport, TransportOptions } from './types';
import { assertOdooValues } from './values';
import { decodeMethodResponse, encodeMethodCall } from './xmlrpc-codec';

/** XML-RPC over `/xmlrpc/2/common|object|db`. */
export class XmlRpcTransport implements RpcTransport {
  readonly kind = 'xmlrpc' as const;
  readonly url: string;
  private readonly endpoint: HttpEndpoint;
  private readonly timeoutMs: number | undefined;

  constructor(options: TransportOptions) {
    this.endpoint = new HttpEndpoint(options.url, { trustedCertificateSha256: options.trustedCertificateSha256 });
    this.url = this.endpoint.url;
    this.timeoutMs = options.timeoutMs;
  }

  call(service: 'common' | 'object' | 'db', method: string, args: OdooValue[], options: CallOptions = {}): Promise<OdooValue> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const context = callContext(this.url, service, method, args, timeoutMs);
    try {
      assertOdooValues(args, `${service}.${method}`);
    } catch (error) {
      return Promise.reject(error);
    }
    const body = encodeMethodCall(method, args);
    return this.endpoint.post(
      {
        path: `/xmlrpc/2/${service}`,
        body,
        contentType: 'text/xml',
        accept: 'text/xml',
        acceptContentType: /xml/i,
        context,
        timeoutMs,
        signal: options.signal,
        repeatable: isRepeatable(context),
      },
      async (response) => {
        const answer = await decodeMethodResponse(response);
        if ('fault' in answer) throw faultToError(answer.fault.faultCode, answer.fault.faultString, context);
        return answer.value;
      },
    );
  }

  close(): void {
    this.endpoint.close();
  }
}
