/**
 * Second questions asked only after a call failed, so the error can say what the server is rather than
 * what went wrong on the wire: whether a port that failed the TLS handshake speaks plain HTTP, and
 * whether a server that gave an answer no Odoo gives is Odoo at all.
 */
import net from 'node:net';

/** How long a probe may take: it only words an error that already happened. */
export const PROBE_TIMEOUT_MS = 3000;

/**
 * True when `host:port` answers a plain-text HTTP request with an HTTP status line: the port speaks
 * plain HTTP, so an https:// URL pointing at it cannot work (Odoo's own port, 8069, is plain HTTP).
 */
export function speaksPlainHttp(host: string, port: number, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = net.connect({ host, port });
    const done = (result: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('connect', () => socket.write(`HEAD / HTTP/1.0\r\nHost: ${host.includes(':') ? `[${host}]` : host}\r\nUser-Agent: OdooChangeMonitor\r\n\r\n`));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (answer.length >= 12 || answer.includes('\n')) done(/^HTTP\/\d(?:\.\d)? \d{3}/.test(answer));
    });
    socket.on('end', () => done(/^HTTP\/\d(?:\.\d)? \d{3}/.test(answer)));
    socket.on('error', () => done(false));
  });
}

/** The JSON-RPC request every Odoo answers without credentials (`/web/webclient/version_info`, all versions). */
export const VERSION_INFO_PATH = '/web/webclient/version_info';

/** True when a `/web/webclient/version_info` answer body is Odoo's: a JSON-RPC result naming a server version. */
export function isOdooVersionInfo(body: string): boolean {
  try {
    const answer = JSON.parse(body) as { result?: { server_version?: unknown; server_version_info?: unknown } };
    return typeof answer.result?.server_version === 'string' && Array.isArray(answer.result.server_version_info);
  } catch {
    return false;
  }
}
