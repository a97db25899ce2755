/**
 * What both wire protocols share: one keep-alive {@link HttpEndpoint} per server, argument checks, the
 * per-call timeout and cancellation, and which calls may be retried on a stale socket. Each protocol
 * only says how a call is encoded and where it goes, and how an answer is decoded.
 */
import type http from 'node:http';
import { callContext, isRepeatable, type CallContext } from './faults';
import { HttpEndpoint, type PostRequest } from './http-exchange';
import type { TransportKind } from '../common/model';
import type { CallOptions, OdooValue, RpcTransport, TransportOptions } from './types';
import { assertOdooValues } from './values';

/** One wire protocol's encoding of calls and decoding of answers. */
export interface WireFormat {
  readonly kind: TransportKind;
  /** The request for `service.method(...args)`. */
  encode(service: string, method: string, args: OdooValue[]): Pick<PostRequest, 'path' | 'body' | 'contentType' | 'acceptContentType'>;
  /** The call's result from a 200 answer of the accepted content type; rejects with an OcmError. */
  decode(response: http.IncomingMessage, context: CallContext): Promise<OdooValue>;
}

/** An {@link RpcTransport} over HTTP(S) in a given {@link WireFormat}. */
export class HttpRpcTransport implements RpcTransport {
  readonly kind: TransportKind;
  readonly url: string;
  private readonly endpoint: HttpEndpoint;
  private readonly timeoutMs: number | undefined;

  constructor(
    options: TransportOptions,
    private readonly format: WireFormat,
  ) {
    this.kind = format.kind;
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
    return this.endpoint.post(
      { ...this.format.encode(service, method, args), context, timeoutMs, signal: options.signal, repeatable: isRepeatable(context), identifyServer: true },
      (response) => this.format.decode(response, context),
    );
  }

  close(): void {
    this.endpoint.close();
  }
}
