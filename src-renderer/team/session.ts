/**
 * The browser side of a team server's sign-in: is this page served by `ocm serve`, who is signed in,
 * and signing in and out. The session itself is an HttpOnly cookie the page never sees; these calls go
 * to the page's own origin as JSON (the server refuses anything else).
 */
import { OcmError, type ErrorCode } from '../../src-main/common/errors';
import type { AccountInfo } from '../../src-main/common/team';

/** What the page's server is. */
export type ServerKind = { kind: 'workstation' } | { kind: 'team'; account?: AccountInfo };

/** Asks the page's own server; a workstation's `ocm ui` does not know `/api/session`. */
export async function probeServer(): Promise<ServerKind> {
  try {
    const response = await fetch('/api/session', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (response.status !== 200 && response.status !== 401) return { kind: 'workstation' };
    const body = (await response.json()) as { mode?: string; account?: AccountInfo };
    if (body.mode !== 'team') return { kind: 'workstation' };
    return body.account ? { kind: 'team', account: body.account } : { kind: 'team' };
  } catch {
    return { kind: 'workstation' };
  }
}

/** Signs in; rejects with the server's error (code 'auth-failed', or 'access-denied' with the seconds to wait as `detail`). */
export async function signIn(login: string, password: string): Promise<AccountInfo> {
  const response = await fetch('/api/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ login, password }),
  });
  const body = (await response.json().catch(() => ({}))) as { account?: AccountInfo; error?: { code: ErrorCode; message: string; hint?: string } };
  if (response.ok && body.account) return body.account;
  const error = body.error ?? { code: 'internal' as const, message: `HTTP ${response.status}` };
  throw new OcmError(error.code, error.message, { hint: error.hint, detail: response.headers.get('Retry-After') ?? undefined });
}

/** Signs out (the server ends the session everywhere). */
export async function signOut(): Promise<void> {
  await fetch('/api/logout', { method: 'POST', credentials: 'same-origin' });
}
