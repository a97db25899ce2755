/**
 * The one way into an Odoo server: a {@link ConnectionInput} (where, who, which transport) becomes a
 * logged-in {@link OdooConnection}. Each transport is one case of {@link openEndpoint}; the sync engine,
 * the admin actions, the connection test and the CLI all come through here.
 */
import type { InstanceConfig, ServerVersion, TransportSetting } from '../common/model';
import { rpcEndpoint } from './client';
import { json2Endpoint } from './json2-client';
import { createTransport } from './transport';
import type { CallOptions, ConnectionInput, OdooConnection, OdooEndpoint } from './types';

/** Opens the endpoint of `input`'s transport. Throws 'invalid-input' on an unusable URL. */
export function openEndpoint(input: Pick<ConnectionInput, 'url' | 'transport' | 'timeoutMs' | 'trustedCertificateSha256'>): OdooEndpoint {
  const options = { url: input.url, timeoutMs: input.timeoutMs, trustedCertificateSha256: input.trustedCertificateSha256 };
  switch (input.transport) {
    case 'xmlrpc':
    case 'jsonrpc':
      return rpcEndpoint(createTransport(input.transport, options));
    case 'json2':
      return json2Endpoint(options);
  }
}

/** Options of {@link connectOdoo}. */
export interface ConnectOptions {
  signal?: AbortSignal;
  /** Log in through this endpoint instead of opening one (tests that count requests). Closed on failure. */
  endpoint?: OdooEndpoint;
}

/** Logs in with `input` and returns the connection; on failure nothing stays open. */
export async function connectOdoo(input: ConnectionInput, options: ConnectOptions = {}): Promise<OdooConnection> {
  const endpoint = options.endpoint ?? openEndpoint(input);
  try {
    return await endpoint.login(input, { signal: options.signal });
  } catch (error) {
    endpoint.close();
    throw error;
  }
}

/** A server's version without logging in. */
export async function fetchVersion(input: Pick<ConnectionInput, 'url' | 'transport' | 'timeoutMs' | 'trustedCertificateSha256'>, call?: CallOptions): Promise<ServerVersion> {
  const endpoint = openEndpoint(input);
  try {
    return await endpoint.version(call);
  } finally {
    endpoint.close();
  }
}

/**
 * The connection input of a configured instance with its (decrypted) secret. Given typed fields whose
 * transport is `'auto'`, the input keeps `'auto'` (the connection test chooses, see transport-choice.ts).
 */
export function connectionInputOf<T extends TransportSetting = InstanceConfig['transport']>(
  config: Pick<InstanceConfig, 'url' | 'db' | 'login' | 'trustedCertificateSha256'> & { transport: T },
  secret: string,
  options: { timeoutMs?: number } = {},
): Omit<ConnectionInput, 'transport'> & { transport: T } {
  const input: Omit<ConnectionInput, 'transport'> & { transport: T } = { url: config.url, db: config.db, login: config.login, secret, transport: config.transport };
  if (options.timeoutMs !== undefined) input.timeoutMs = options.timeoutMs;
  if (config.trustedCertificateSha256) input.trustedCertificateSha256 = config.trustedCertificateSha256;
  return input;
}
