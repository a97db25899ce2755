/**
 * One workstation's link to a team server: signs in over HTTPS (JSON, with the server's own Origin, as
 * its sign-in page does), keeps the session cookie's token, and speaks the same channel the team's
 * browsers speak, over a WebSocket carrying that cookie. The link reconnects after a network failure
 * (growing delays, 1 s to 30 s); a session the server ended leaves it signed out until signed in again.
 */
import { WebSocket } from 'ws';
import { ChannelClient, type ChannelMessage } from '../common/channel';
import { OcmError } from '../common/errors';
import { Emitter, type Disposable } from '../common/event';
import type { TeamRole } from '../common/model';
import { SERVICE_NAMES, type Services } from '../common/services';
import type { IAccountService, TeamServerState } from '../common/team';

/** The close code a team server sends when the session behind a connection ended. */
const SESSION_ENDED = 4401;
const MAX_RETRY_MS = 30_000;

/** Where and as whom a link signs in. */
export interface TeamLinkTarget {
  id: string;
  name: string;
  /** The server's address (https://…, or http://127.0.0.1… for a server on this machine). */
  url: string;
  login: string;
}

/** The session cookie (`name=value`) a sign-in answered with. */
export type SessionCookie = string;

/** The team server's origin from its address; refuses anything but http(s). */
export function teamOrigin(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OcmError('invalid-input', `"${url}" is not a server address.`, { hint: 'Give the address your team opens, e.g. https://ocm.example.com.' });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new OcmError('invalid-input', `A team server is reached over https://, not "${parsed.protocol}".`);
  return parsed.origin;
}

/** Signs in to a team server; resolves with the session cookie, rejects with the server's reason. */
export async function signInToTeam(url: string, login: string, password: string, signal?: AbortSignal): Promise<SessionCookie> {
  const origin = teamOrigin(url);
  let response: Response;
  try {
    response = await fetch(`${origin}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json', Origin: origin }, body: JSON.stringify({ login, password }), signal });
  } catch (error) {
    throw new OcmError('network-refused', `The team server at ${origin} cannot be reached.`, { hint: 'Check the address and that the server runs (`ocm serve`).', cause: error });
  }
  const body = (await response.json().catch(() => undefined)) as { error?: { code?: string; message?: string; hint?: string } } | undefined;
  if (!response.ok) {
    if (response.status === 404 || body === undefined) throw new OcmError('protocol', `${origin} is not an Odoo Change Monitor team server (HTTP ${response.status} on sign-in).`, { hint: 'Give the address of `ocm serve`.' });
    const code = response.status === 401 ? 'auth-failed' : response.status === 429 ? 'access-denied' : 'http-status';
    throw new OcmError(code, body.error?.message ?? `The team server answered HTTP ${response.status}.`, body.error?.hint ? { hint: body.error.hint } : {});
  }
  const cookie = (response.headers.getSetCookie?.() ?? [response.headers.get('set-cookie') ?? '']).map((value) => value.split(';')[0]).find((value) => /^(__Host-)?ocm-session=/.test(value));
  if (!cookie) throw new OcmError('protocol', `${origin} answered the sign-in without a session.`);
  return cookie;
}

/** Signs out on the server (best effort: the session is forgotten here whatever it answers). */
export async function signOutOfTeam(url: string, cookie: SessionCookie): Promise<void> {
  const origin = teamOrigin(url);
  await fetch(`${origin}/api/logout`, { method: 'POST', headers: { Cookie: cookie, Origin: origin } }).catch(() => undefined);
}

/** A live link: its state, and the team server's services while connected. */
export class TeamLink implements Disposable {
  readonly #target: TeamLinkTarget;
  #cookie: SessionCookie | undefined;
  #socket?: WebSocket;
  #client?: ChannelClient;
  #services?: Services;
  #state: TeamServerState = 'signed-out';
  #role?: TeamRole;
  #error?: OcmError;
  #retries = 0;
  #retryTimer?: ReturnType<typeof setTimeout>;
  #closed = false;
  readonly #changed = new Emitter<void>();
  /** Fires when the state, the role or the services change. */
  readonly onDidChange = this.#changed.event;

  constructor(target: TeamLinkTarget, cookie?: SessionCookie) {
    this.#target = target;
    this.#cookie = cookie;
  }

  get target(): TeamLinkTarget {
    return this.#target;
  }

  get state(): TeamServerState {
    return this.#state;
  }

  get role(): TeamRole | undefined {
    return this.#role;
  }

  get error(): OcmError | undefined {
    return this.#error;
  }

  /** The team server's services, while connected. */
  get services(): Services | undefined {
    return this.#state === 'connected' ? this.#services : undefined;
  }

  /** The session cookie, for downloads. */
  get cookie(): SessionCookie | undefined {
    return this.#cookie;
  }

  /** Connects with the session kept (nothing to do when signed out). */
  start(): void {
    if (this.#cookie && !this.#closed) this.#connect();
  }

  /** Uses a new session (after a sign-in) and connects with it. */
  useSession(cookie: SessionCookie): void {
    this.#cookie = cookie;
    this.#retries = 0;
    this.#teardown();
    this.#connect();
  }

  /** Resolves once connected, or rejects with why not (signed out, offline). */
  whenConnected(): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.#state === 'connected') return resolve();
        if (this.#state === 'signed-out' || this.#state === 'offline') return reject(this.#error ?? new OcmError('access-denied', 'Not signed in to the team server.'));
        const subscription = this.onDidChange(() => {
          if (this.#state === 'connecting') return;
          subscription.dispose();
          check();
        });
      };
      check();
    });
  }

  dispose(): void {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    this.#teardown();
    this.#changed.dispose();
  }

  #set(state: TeamServerState, error?: OcmError): void {
    this.#state = state;
    this.#error = error;
    this.#changed.fire();
  }

  #connect(): void {
    if (!this.#cookie) return this.#set('signed-out');
    const origin = teamOrigin(this.#target.url);
    this.#set('connecting');
    const socket = new WebSocket(`${origin.replace(/^http/, 'ws')}/channel`, { origin, headers: { Cookie: this.#cookie }, maxPayload: 64 * 1024 * 1024 });
    this.#socket = socket;
    const listeners = new Set<(message: ChannelMessage) => void>();
    socket.on('message', (data) => {
      let message: ChannelMessage;
      try {
        message = JSON.parse(String(data)) as ChannelMessage;
      } catch {
        return;
      }
      for (const listener of [...listeners]) listener(message);
    });
    socket.once('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0;
      socket.terminate();
      if (status === 401) {
        this.#cookie = undefined;
        this.#set('signed-out', new OcmError('access-denied', `The session on ${this.#target.name} ended; sign in again.`));
      } else {
        this.#retry(new OcmError('http-status', `${this.#target.name} refused the connection (HTTP ${status}).`));
      }
    });
    socket.once('error', (error) => this.#retry(new OcmError('network-refused', `${this.#target.name} cannot be reached: ${error.message}`)));
    socket.once('open', () => {
      const client = new ChannelClient({
        send: (message) => {
          if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
        },
        onMessage: (listener) => {
          listeners.add(listener);
          return { dispose: () => listeners.delete(listener) };
        },
      });
      this.#client = client;
      const services = {} as Record<string, unknown>;
      for (const name of SERVICE_NAMES) services[name] = client.proxy(name);
      this.#services = services as unknown as Services;
      client.proxy<IAccountService>('account').me().then(
        (account) => {
          this.#retries = 0;
          this.#role = account.role;
          this.#set('connected');
        },
        (error: unknown) => this.#retry(error instanceof OcmError ? error : new OcmError('protocol', String(error))),
      );
    });
    socket.once('close', (code) => {
      this.#client?.failPending(new OcmError('network-reset', `The connection to ${this.#target.name} closed.`));
      if (this.#socket !== socket) return;
      if (code === SESSION_ENDED) {
        this.#cookie = undefined;
        this.#teardown();
        this.#set('signed-out', new OcmError('access-denied', `The session on ${this.#target.name} ended; sign in again.`));
      } else if (this.#state === 'connected') {
        this.#retry(new OcmError('network-reset', `The connection to ${this.#target.name} was lost.`));
      }
    });
  }

  #retry(error: OcmError): void {
    if (this.#closed || this.#state === 'signed-out') return;
    this.#teardown();
    this.#set('offline', error);
    clearTimeout(this.#retryTimer);
    const delay = Math.min(MAX_RETRY_MS, 1000 * 2 ** this.#retries++);
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
  }

  #teardown(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#client?.dispose();
    this.#client = undefined;
    this.#services = undefined;
    socket?.removeAllListeners('close');
    if (socket && socket.readyState !== socket.CLOSED) socket.terminate();
  }
}
