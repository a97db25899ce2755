/**
 * One HTTP POST of an RPC body (or a GET, for JSON-2's version), shared by every transport: keep-alive agent, a real per-call timeout
 * covering connect + answer + parse, cancellation by AbortSignal, and the checks that turn anything but
 * a proper RPC answer (HTTP error status, HTML page, truncated body) into a clear OcmError before the
 * body ever reaches a parser.
 */
import http from 'node:http';
import https from 'node:https';
import { OcmError } from '../common/errors';
import { cancelledError, httpStatusError, isTlsCode, networkError, notOdooError, plainHttpError, protocolError, timeoutError, type CallContext } from './faults';
import { isOdooVersionInfo, PROBE_TIMEOUT_MS, speaksPlainHttp, VERSION_INFO_PATH } from './server-probes';
import { probeCertificate, TlsRejection, VerifyingAgent } from './tls';

/** Default per-call timeout in ms. */
export const defaultTimeoutMs = 30_000;

/** How much of an unexpected body is kept for the error's detail. */
const snippetLimit = 4096;

/** A server address with its keep-alive agent. Create one per transport; {@link close} releases sockets. */
export class HttpEndpoint {
  /** Base URL without trailing slash, e.g. `https://erp.example.com/odoo`. */
  readonly url: string;
  private readonly parsed: URL;
  private readonly agent: http.Agent;

  constructor(url: string, options: { trustedCertificateSha256?: string } = {}) {
    this.parsed = parseBaseUrl(url);
    this.url = displayedUrl(this.parsed);
    const agentOptions = { keepAlive: true, maxSockets: 8, maxFreeSockets: 8 };
    this.agent = this.isSecure
      ? new VerifyingAgent({ ...agentOptions, trustedCertificateSha256: options.trustedCertificateSha256 })
      : new http.Agent(agentOptions);
  }

  get isSecure(): boolean {
    return this.parsed.protocol === 'https:';
  }

  /**
   * POSTs `body` to `path` (relative to the base URL) and hands a 200 answer of the expected content
   * type to `read`. Rejects with an OcmError for every other outcome.
   */
  post<T>(request: PostRequest, read: (response: http.IncomingMessage) => Promise<T>): Promise<T> {
    const { context, signal } = request;
    const timeoutMs = request.timeoutMs ?? defaultTimeoutMs;
    if (signal?.aborted) return Promise.reject(cancelledError(context));
    const path = this.parsed.pathname.replace(/\/+$/, '') + request.path;
    const body = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body;

    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let req: http.ClientRequest | undefined;
      // An https request gets its socket only once the TLS handshake is done (VerifyingAgent): before
      // that, a reset, a garbled handshake or silence may mean the port speaks plain HTTP.
      let handshaken = !this.isSecure;
      const finish = (error: OcmError | undefined, value?: T) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error) {
          req?.destroy();
          reject(error);
        } else {
          resolve(value as T);
        }
      };
      const timer = setTimeout(() => {
        if (handshaken) return finish(timeoutError({ ...context, timeoutMs }));
        void this.plainHttpInstead(timeoutError({ ...context, timeoutMs }), context).then((error) => finish(error));
      }, timeoutMs);
      const onAbort = () => finish(cancelledError(context));
      signal?.addEventListener('abort', onAbort, { once: true });

      const attempt = (retriesLeft: number) => {
        const transport = this.isSecure ? https : http;
        const current = transport.request({
          protocol: this.parsed.protocol,
          hostname: this.parsed.hostname.replace(/^\[|\]$/g, ''),
          port: this.parsed.port || (this.isSecure ? 443 : 80),
          path,
          method: request.method ?? 'POST',
          agent: this.agent,
          headers: {
            ...(request.method === 'GET' ? {} : { 'Content-Type': request.contentType, 'Content-Length': body.length }),
            ...(request.accept ? { Accept: request.accept } : {}),
            ...(this.parsed.username ? { Authorization: basicAuth(this.parsed) } : {}),
            ...request.headers,
          },
        });
        req = current;
        let response: http.IncomingMessage | undefined;
        current.on('socket', () => {
          handshaken = true;
        });

        current.on('error', (error) => {
          if (settled || req !== current) return;
          if (response) return finish(protocolError('truncated', context, String(error)));
          const code = (error as { code?: string }).code;
          // A kept-alive socket the server closed while idle fails before anything was processed:
          // Node's documented remedy is to retry on a fresh socket (only for calls safe to repeat).
          if (current.reusedSocket && code === 'ECONNRESET' && request.repeatable && retriesLeft > 0) return attempt(retriesLeft - 1);
          if (!handshaken && mayBePlainHttp(error, code)) {
            void this.plainHttpInstead(networkError(error, { ...context, timeoutMs }), context).then((failure) => finish(failure));
            return;
          }
          if (isTlsCode(code) && this.isSecure) {
            // Only reached when the certificate was not available with the error: fetch it for the message.
            void probeCertificate(current.host, Number(this.parsed.port || 443)).then((fingerprint) => finish(networkError(error, { ...context, timeoutMs }, fingerprint)));
            return;
          }
          finish(networkError(error, { ...context, timeoutMs }));
        });

        current.on('response', (res) => {
          response = res;
          const status = res.statusCode ?? 0;
          const contentType = String(res.headers['content-type'] ?? '');
          // JSON-2 answers its errors with 4xx/5xx and a JSON body: such a caller reads every answer itself.
          if (request.readAnyStatus) {
            res.on('aborted', () => finish(protocolError('truncated', context, 'The connection closed before the whole answer arrived.')));
            read(res).then(
              (value) => finish(undefined, value),
              (error: unknown) => finish(error instanceof OcmError ? error : protocolError('unparsable', context, error instanceof Error ? error.message : String(error))),
            );
            return;
          }
          if (status !== 200) {
            void readSnippet(res)
              .then((text) => {
                const failure = httpStatusError(status, res.statusMessage, path, text, context, headerString(res.headers.location));
                return request.identifyServer && !PROXY_STATUSES.has(status) ? this.unlessOdoo(failure, context, `${status} ${res.statusMessage ?? ''}`.trim()) : failure;
              })
              .then((failure) => finish(failure));
            return;
          }
          if (contentType && !request.acceptContentType.test(contentType)) {
            void readSnippet(res)
              .then((text) => {
                const failure = protocolError('not-rpc', context, text, contentType);
                return request.identifyServer ? this.unlessOdoo(failure, context, contentType.includes('html') ? 'an HTML page' : `"${contentType}"`) : failure;
              })
              .then((failure) => finish(failure));
            return;
          }
          res.on('aborted', () => finish(protocolError('truncated', context, 'The connection closed before the whole answer arrived.')));
          read(res).then(
            (value) => finish(undefined, value),
            (error: unknown) => {
              if (error instanceof OcmError) return finish(error);
              const message = error instanceof Error ? error.message : String(error);
              const truncated = !res.complete || /unclosed|unexpected end|invalid xml-rpc message|end of json/i.test(message);
              finish(protocolError(truncated ? 'truncated' : 'unparsable', context, message));
            },
          );
        });

        current.end(request.method === 'GET' ? undefined : body);
      };
      attempt(1);
    });
  }

  /**
   * `failure` as it is, unless the port answers plain HTTP: then the error says the https:// address
   * points at a plain-HTTP port (Odoo's own 8069 is one).
   */
  private async plainHttpInstead(failure: OcmError, context: CallContext): Promise<OcmError> {
    if (!this.isSecure || !(await speaksPlainHttp(this.parsed.hostname.replace(/^\[|\]$/g, ''), Number(this.parsed.port || 443)))) return failure;
    return plainHttpError(context, failure.detail ?? failure.message);
  }

  /**
   * `failure` as it is when the server is Odoo after all (it answers Odoo's version request: a wrong
   * path, a disabled protocol); otherwise the error says the address is not Odoo.
   */
  private async unlessOdoo(failure: OcmError, context: CallContext, answer: string): Promise<OcmError> {
    const odoo = await this.post(
      {
        path: VERSION_INFO_PATH,
        body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: {}, id: 1 }),
        contentType: 'application/json',
        accept: 'application/json',
        acceptContentType: /json/i,
        context: { ...context, service: 'web', method: 'version_info', model: undefined, modelMethod: undefined },
        timeoutMs: PROBE_TIMEOUT_MS,
        repeatable: true,
      },
      async (response) => isOdooVersionInfo((await readBody(response)).toString('utf8')),
    ).catch(() => false);
    return odoo ? failure : notOdooError(context, answer, failure.detail ?? failure.message);
  }

  /** Releases keep-alive sockets; calls in flight are not interrupted. */
  close(): void {
    this.agent.destroy();
  }
}

/** One request for {@link HttpEndpoint.post}. */
export interface PostRequest {
  /** Path below the base URL, e.g. `/xmlrpc/2/object`. */
  path: string;
  body: string | Buffer;
  contentType: string;
  /** The Accept header, when the server looks at it (XML-RPC and JSON-RPC do not: they send none, to keep idle polls small). */
  accept?: string;
  /** The content types a proper answer may have; anything else is reported as "not RPC". */
  acceptContentType: RegExp;
  context: CallContext;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The call may be sent again when a kept-alive socket turns out to be closed (reads, unlink, version). */
  repeatable?: boolean;
  /** 'GET' sends no body (default 'POST'). */
  method?: 'GET' | 'POST';
  /** Extra request headers (JSON-2's `Authorization: bearer …` and `X-Odoo-Database`); they win over the defaults. */
  headers?: Record<string, string>;
  /**
   * On an answer no Odoo gives to this call (an unexpected status or content type), ask the server
   * whether it is Odoo at all (`/web/webclient/version_info`), so the error can say "this is not Odoo".
   * For the RPC endpoints every Odoo has; not for paths only some versions have.
   */
  identifyServer?: boolean;
  /**
   * Hand every answer to `read`, whatever its status and content type (JSON-2 reports errors as 4xx/5xx
   * with a JSON body); `read` must then check `statusCode` itself. Default: only 200 answers of
   * {@link acceptContentType} reach `read`, everything else becomes an OcmError here.
   */
  readAnyStatus?: boolean;
}

/**
 * Collects a whole answer body as it arrives. One chunk is returned as it is; several are joined once
 * (the only copy), so decoders work on the bytes received.
 */
export function readBody(response: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
    });
    response.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    response.on('error', reject);
  });
}

/** A base URL as every message shows it: no trailing slash, and never the credentials typed into it (user:password@host). */
export function displayedUrl(parsed: URL): string {
  return (parsed.origin + parsed.pathname).replace(/\/+$/, '');
}

/** Statuses that come from something in front of Odoo (redirects, proxies, gateways): no "is it Odoo" question. */
const PROXY_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308, 401, 403, 407, 413, 502, 503, 504]);

/** A failure before the TLS handshake finished that a plain-HTTP port produces (not a refused connection or a certificate). */
function mayBePlainHttp(error: Error, code: string | undefined): boolean {
  if (error instanceof TlsRejection) return false;
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'EPROTO' || code?.startsWith('ERR_SSL_')) return true;
  return /socket hang up|wrong version number|packet length too long/i.test(error.message);
}

/** Validates and parses a base URL given by the user. */
export function parseBaseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new OcmError('invalid-input', `"${url}" is not a valid URL.`, { hint: 'Enter the server address with its scheme, e.g. https://erp.example.com.' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new OcmError('invalid-input', `"${url}" is not an http:// or https:// URL.`, { hint: 'Enter the server address with its scheme, e.g. https://erp.example.com.' });
  }
  parsed.search = '';
  parsed.hash = '';
  return parsed;
}

function basicAuth(url: URL): string {
  return 'Basic ' + Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64');
}

function headerString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Reads up to {@link snippetLimit} bytes of an unexpected body, then drops the rest of the connection. */
export function readSnippet(response: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => resolve(Buffer.concat(chunks).toString('utf8').slice(0, snippetLimit).trim());
    response.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= snippetLimit) {
        response.destroy();
        done();
      }
    });
    response.on('end', done);
    response.on('error', done);
    response.on('close', done);
  });
}
