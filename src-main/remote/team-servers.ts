/**
 * The team servers a workstation reads from ({@link ITeamServerService}): added by signing in (the
 * password is used once, never stored), kept with their session token encrypted by the workstation's
 * secret vault (like an instance password), connected at start, removed with a sign-out.
 */
import { randomUUID } from 'node:crypto';
import { OcmError } from '../common/errors';
import { Emitter } from '../common/event';
import type { ITeamServerService, TeamServerInfo, TeamServerInput } from '../common/team';
import type { TeamServerRecord, TeamServerRepository } from '../store/repositories/team-servers';
import type { SecretVault } from '../store/secret-vault';
import { signInToTeam, signOutOfTeam, teamOrigin, TeamLink } from './team-link';

/** What the team-server list is built from. */
export interface TeamServerServiceOptions {
  repository: Pick<TeamServerRepository, 'list' | 'get' | 'insert' | 'setSession' | 'delete'>;
  vault: SecretVault;
}

/** The workstation's team servers and their live links. */
export class TeamServerService implements ITeamServerService {
  readonly #options: TeamServerServiceOptions;
  readonly #links = new Map<string, TeamLink>();
  readonly #changed = new Emitter<TeamServerInfo[]>();
  readonly onDidChangeServers = this.#changed.event;
  /** Fires when a link's state or services change (the composite re-reads instances then). */
  readonly #linksChanged = new Emitter<TeamLink>();
  readonly onDidChangeLinks = this.#linksChanged.event;

  constructor(options: TeamServerServiceOptions) {
    this.#options = options;
  }

  /** Connects every saved server that has a session. */
  start(): void {
    for (const record of this.#options.repository.list()) this.#link(record).start();
  }

  /** The live links, in the user's order. */
  links(): TeamLink[] {
    return this.#options.repository.list().map((record) => this.#links.get(record.id)).filter((link): link is TeamLink => link !== undefined);
  }

  /** A link by server id. */
  link(id: string): TeamLink | undefined {
    return this.#links.get(id);
  }

  async list(): Promise<TeamServerInfo[]> {
    return this.links().map(infoOf);
  }

  async add(input: TeamServerInput): Promise<TeamServerInfo> {
    const origin = teamOrigin(input.url.trim());
    const login = input.login.trim();
    if (this.#options.repository.list().some((record) => teamOrigin(record.url) === origin && record.login.toLowerCase() === login.toLowerCase())) {
      throw new OcmError('conflict', `${login} at ${origin} is already in the tree.`, { hint: 'Sign in again from its entry if its session ended.' });
    }
    const cookie = await signInToTeam(origin, login, input.password);
    const record: TeamServerRecord = { id: randomUUID(), name: input.name?.trim() || new URL(origin).hostname, url: origin, login, session: this.#options.vault.encrypt(cookie), createdAt: Math.floor(Date.now() / 1000) };
    this.#options.repository.insert(record);
    const link = this.#link(record);
    link.useSession(cookie);
    await link.whenConnected().catch(() => undefined);
    this.#fire();
    return infoOf(link);
  }

  async signIn(id: string, password: string): Promise<TeamServerInfo> {
    const record = this.#record(id);
    const cookie = await signInToTeam(record.url, record.login, password);
    this.#options.repository.setSession(id, this.#options.vault.encrypt(cookie));
    const link = this.#links.get(id) ?? this.#link(record);
    link.useSession(cookie);
    await link.whenConnected().catch(() => undefined);
    this.#fire();
    return infoOf(link);
  }

  async remove(id: string): Promise<void> {
    const record = this.#record(id);
    const link = this.#links.get(id);
    if (link?.cookie) await signOutOfTeam(record.url, link.cookie);
    link?.dispose();
    this.#links.delete(id);
    this.#options.repository.delete(id);
    this.#fire();
    if (link) this.#linksChanged.fire(link);
  }

  /** Disconnects every link. */
  close(): void {
    for (const link of this.#links.values()) link.dispose();
    this.#links.clear();
    this.#changed.dispose();
    this.#linksChanged.dispose();
  }

  #record(id: string): TeamServerRecord {
    const record = this.#options.repository.get(id);
    if (!record) throw new OcmError('not-found', `No team server with id ${id}.`);
    return record;
  }

  #link(record: TeamServerRecord): TeamLink {
    let cookie: string | undefined;
    try {
      cookie = record.session ? this.#options.vault.decrypt(record.session) : undefined;
    } catch {
      cookie = undefined; // the vault's key changed: sign in again
    }
    const link = new TeamLink({ id: record.id, name: record.name, url: record.url, login: record.login }, cookie);
    link.onDidChange(() => {
      // A session the server ended is forgotten here too.
      if (link.state === 'signed-out' && this.#options.repository.get(record.id)?.session) this.#options.repository.setSession(record.id, undefined);
      this.#fire();
      this.#linksChanged.fire(link);
    });
    this.#links.set(record.id, link);
    return link;
  }

  #fire(): void {
    this.#changed.fire(this.links().map(infoOf));
  }
}

function infoOf(link: TeamLink): TeamServerInfo {
  const { id, name, url, login } = link.target;
  const info: TeamServerInfo = { id, name, url, login, state: link.state };
  if (link.role) info.role = link.role;
  if (link.error) info.error = link.error.toJSON();
  return info;
}
