/**
 * The `xmlrpc` package behind two typed functions (the rest of the app never imports its internals):
 * its serializer encodes every XML-RPC request; its streaming SAX deserializer is the reference the
 * app's own decoder (xmlrpc-decoder.ts) is tested and benchmarked against.
 */
import type { Readable } from 'node:stream';
import { serializeMethodCall } from 'xmlrpc/lib/serializer.js';
import Deserializer from 'xmlrpc/lib/deserializer.js';
import type { OdooValue } from './types';

/** A `<fault>` answer: Odoo's fault code and string. */
export interface XmlRpcFault {
  faultCode: number | string;
  faultString: string;
}

/** Builds a `<methodCall>` document. Validate values first: the package encodes undefined/BigInt as empty values. */
export function encodeMethodCall(method: string, params: readonly OdooValue[]): string {
  return serializeMethodCall(method, [...params]);
}

/**
 * Parses a `<methodResponse>` from a stream with the package's deserializer (the reference; the transport
 * uses `decodeXmlRpcResponse` from xmlrpc-decoder.ts). Resolves with the value, or with `{ fault }` for a
 * `<fault>` answer; rejects with the parser's error for anything that is not a complete XML-RPC answer.
 */
export function decodeMethodResponse(stream: Readable): Promise<{ value: OdooValue } | { fault: XmlRpcFault }> {
  return new Promise((resolve, reject) => {
    new Deserializer('utf8').deserializeMethodResponse(stream, (error, result) => {
      if (error && error.faultCode !== undefined) resolve({ fault: { faultCode: error.faultCode, faultString: error.faultString ?? '' } });
      else if (error) reject(error);
      else resolve({ value: result as OdooValue });
    });
  });
}
