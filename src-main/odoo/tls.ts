/**
 * TLS for Odoo connections: one https agent that verifies certificates itself before any request byte
 * (so a password never reaches an unverified server), with an opt-in per-instance pinned certificate.
 *
 * Why a custom `createConnection`: Node only calls `checkServerIdentity` when the chain is valid, so a
 * self-signed certificate cannot be accepted "by fingerprint" through the standard options. Instead the
 * agent connects with `rejectUnauthorized: false`, waits for the handshake, and hands the socket to
 * the HTTP layer only when either Node's own verdict is "authorized" (chain and host name valid) or the
 * peer certificate's SHA-256 fingerprint equals the pinned one. Otherwise the socket is destroyed and
 * the request fails with a 'tls' error naming the certificate's fingerprint.
 */
import https from 'node:https';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { OcmError } from '../common/errors';

/** Normalises a SHA-256 fingerprint to upper-case hex pairs separated by colons (Node's format). */
export function normaliseFingerprint(value: string): string {
  const hex = value.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  if (hex.length !== 64) {
    throw new OcmError('invalid-input', `"${value}" is not a SHA-256 certificate fingerprint (64 hex digits expected).`, {
      hint: 'Copy the fingerprint exactly as the connection test printed it.',
    });
  }
  return hex.match(/../g)!.join(':');
}

/** A TLS failure with what the user needs to decide: Node's reason and the certificate fingerprint. */
export class TlsRejection extends Error {
  constructor(
    readonly reason: string,
    readonly fingerprint256: string | undefined,
    readonly subject: string | undefined,
  ) {
    super(reason);
    this.name = 'TlsRejection';
  }
}

/** Options of {@link VerifyingAgent}. */
export interface VerifyingAgentOptions extends https.AgentOptions {
  /** The fingerprint trusted for this instance only (any format accepted by {@link normaliseFingerprint}). */
  trustedCertificateSha256?: string;
}

/** A keep-alive https agent that accepts a connection only after verifying it (see the module comment). */
export class VerifyingAgent extends https.Agent {
  private readonly pinned: string | undefined;

  constructor(options: VerifyingAgentOptions = {}) {
    const { trustedCertificateSha256, ...agentOptions } = options;
    super(agentOptions);
    this.pinned = trustedCertificateSha256 ? normaliseFingerprint(trustedCertificateSha256) : undefined;
  }

  override createConnection(
    options: https.RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const connectOptions = options as tls.ConnectionOptions & { host?: string; servername?: string };
    const socket = tls.connect({
      ...connectOptions,
      servername: connectOptions.servername ?? (isIpAddress(connectOptions.host) ? undefined : connectOptions.host),
      rejectUnauthorized: false,
      session: undefined, // no session reuse: each new socket is verified from its certificate
    });
    let settled = false;
    const finish = (error: Error | null) => {
      if (settled) return;
      settled = true;
      socket.removeListener('error', onError);
      if (error) {
        socket.destroy();
        callback?.(error, socket);
      } else {
        callback?.(null, socket);
      }
    };
    const onError = (error: Error) => finish(error);
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerCertificate();
      const fingerprint = certificate?.fingerprint256 || undefined;
      if (this.pinned) {
        // The pinned certificate is trusted whatever the chain or host name say; any other is refused.
        if (fingerprint === this.pinned) return finish(null);
        return finish(new TlsRejection('CERT_FINGERPRINT_MISMATCH', fingerprint, subjectOf(certificate)));
      }
      if (socket.authorized) return finish(null);
      const reason = String(socket.authorizationError ?? 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
      finish(new TlsRejection(reason, fingerprint, subjectOf(certificate)));
    });
    return undefined;
  }
}

function subjectOf(certificate: tls.PeerCertificate | undefined): string | undefined {
  const commonName = certificate?.subject?.CN;
  return typeof commonName === 'string' ? commonName : Array.isArray(commonName) ? commonName.join(', ') : undefined;
}

function isIpAddress(host: string | undefined): boolean {
  return !!host && (/^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':'));
}

/**
 * Connects once without sending anything, to learn the certificate a server presents (used to name the
 * fingerprint when a TLS error happened somewhere the certificate was not available).
 */
export function probeCertificate(host: string, port: number, timeoutMs = 5000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host, port, servername: isIpAddress(host) ? undefined : host, rejectUnauthorized: false });
    const timer = setTimeout(() => done(undefined), timeoutMs);
    function done(value: string | undefined) {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    }
    socket.once('secureConnect', () => done(socket.getPeerCertificate()?.fingerprint256 || undefined));
    socket.once('error', () => done(undefined));
  });
}
