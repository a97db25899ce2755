// Types for the two internals of the `xmlrpc` package used as the XML-RPC codec (the package's own
// typings cover only its client and server).
declare module 'xmlrpc/lib/serializer.js' {
  /** Builds a `<methodCall>` document (with the XML declaration). */
  export function serializeMethodCall(method: string, params: unknown[], encoding?: string): string;
  export function serializeMethodResponse(result: unknown): string;
  export function serializeFault(fault: { faultCode: number; faultString: string }): string;
}

declare module 'xmlrpc/lib/deserializer.js' {
  import type { Readable } from 'node:stream';

  /** An error of a `<fault>` answer carries the fault's members. */
  export interface FaultError extends Error {
    faultCode?: number | string;
    faultString?: string;
  }

  /** A streaming SAX parser of one XML-RPC document. */
  export default class Deserializer {
    constructor(encoding?: string);
    deserializeMethodResponse(stream: Readable, callback: (error: FaultError | null | undefined, result?: unknown) => void): void;
    deserializeMethodCall(stream: Readable, callback: (error: Error | null | undefined, method?: string, params?: unknown[]) => void): void;
  }
}

declare module 'xmlrpc/lib/date_formatter.js' {
  /** The package's ISO 8601 reader and writer (one shared instance). */
  const dateFormatter: {
    /** Parses an XML-RPC `dateTime.iso8601` text as the package's deserializer does (throws when malformed). */
    decodeIso8601(time: string): Date;
    encodeIso8601(date: Date): string;
  };
  export default dateFormatter;
}
