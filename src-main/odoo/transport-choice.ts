/**
 * The transport a new instance is spoken to over, chosen from the server's version (read without
 * credentials) and the shape of the secret:
 * - Odoo 19 and later: JSON-2 when the secret is an API key; with a password, JSON-RPC meanwhile (and
 *   the connection test says an API key is needed and how to make one); from Odoo 22, which removes
 *   XML-RPC and JSON-RPC, JSON-2 whatever the secret (the login then says a key is needed).
 * - before 19: JSON-RPC, where `/jsonrpc` answers (every Odoo since 8; twice as fast as XML-RPC);
 * - XML-RPC where only `/xmlrpc/2` answers (a proxy that lets only it through).
 * Nothing here logs in: the login, which proves the secret, comes after.
 */
import { OcmError } from '../common/errors';
import type { ServerVersion, TransportChoice, TransportKind } from '../common/model';
import { JSON2_SINCE, looksLikeApiKey, RPC_REMOVED_IN } from '../common/transport-note';
import { rpcEndpoint } from './client';
import { openEndpoint } from './connection';
import { fetchServerVersion } from './json2-client';
import { createTransport } from './transport';
import type { CallOptions, ConnectionInput, ConnectionTestInput, OdooEndpoint } from './types';

/** A transport chosen for a server, with why and the version it was chosen from. */
export interface ChosenTransport extends TransportChoice {
  transport: TransportKind;
  version: ServerVersion;
}

/** What the choice needs: where the server is, and the secret (only its shape is looked at). */
export type TransportChoiceInput = Pick<ConnectionInput, 'url' | 'secret' | 'timeoutMs' | 'trustedCertificateSha256'>;

/**
 * Reads the server's version (`GET /web/version` where it exists, else `common.version` over JSON-RPC,
 * else over XML-RPC) and chooses. Rejects with the version read's error when the server cannot be
 * reached or does not answer like Odoo on any of them.
 */
export async function chooseTransport(input: TransportChoiceInput, call: CallOptions = {}): Promise<ChosenTransport> {
  const options = { timeoutMs: call.timeoutMs ?? input.timeoutMs, trustedCertificateSha256: input.trustedCertificateSha256, signal: call.signal };
  let version: ServerVersion;
  try {
    version = await fetchServerVersion(input.url, options);
  } catch (error) {
    // Neither /web/version nor /jsonrpc answered like Odoo: XML-RPC may still (a filtering proxy).
    if (!(error instanceof OcmError) || !['http-status', 'protocol'].includes(error.code)) throw error;
    const endpoint = rpcEndpoint(createTransport('xmlrpc', { url: input.url, timeoutMs: options.timeoutMs, trustedCertificateSha256: input.trustedCertificateSha256 }));
    try {
      version = await endpoint.version({ signal: call.signal, timeoutMs: options.timeoutMs });
    } catch {
      throw error;
    } finally {
      endpoint.close();
    }
    return { transport: 'xmlrpc', reason: 'xmlrpc', ...versionOf(version), version };
  }
  return { ...transportFor(version, input.secret), ...versionOf(version), version };
}

/** The choice for a server of `version` given `secret`, once the version is known over JSON (not XML-RPC only). */
export function transportFor(version: ServerVersion, secret: string): Pick<ChosenTransport, 'transport' | 'reason'> {
  if (version.major < JSON2_SINCE) return { transport: 'jsonrpc', reason: 'jsonrpc' };
  if (looksLikeApiKey(secret)) return { transport: 'json2', reason: 'json2' };
  return { transport: version.major >= RPC_REMOVED_IN ? 'json2' : 'jsonrpc', reason: 'json2-needs-key' };
}

function versionOf(version: ServerVersion): Pick<TransportChoice, 'serverSerie' | 'major'> {
  return { serverSerie: version.serverSerie, major: version.major };
}

/** An endpoint of the transport set or chosen, the server's version (already read) and how the transport came to be. */
export interface VersionedEndpoint {
  endpoint: OdooEndpoint;
  version: ServerVersion;
  choice: TransportChoice;
}

/**
 * Opens the endpoint of `input`'s transport and reads the server's version over it, or, for `'auto'`,
 * chooses the transport from the version first. Rejects 'invalid-input' for an unusable URL, or with
 * the version read's error; nothing stays open then.
 */
export async function openVersionedEndpoint(input: Omit<ConnectionTestInput, 'db' | 'login'>, call: CallOptions = {}): Promise<VersionedEndpoint> {
  if (input.transport === 'auto') {
    const { transport, version, ...choice } = await chooseTransport(input, call);
    return { endpoint: openEndpoint({ ...input, transport }), version, choice };
  }
  const endpoint = openEndpoint({ ...input, transport: input.transport });
  try {
    const version = await endpoint.version(call);
    return { endpoint, version, choice: { reason: 'forced', ...versionOf(version) } };
  } catch (error) {
    endpoint.close();
    throw error;
  }
}
