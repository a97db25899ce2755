/**
 * The team servers a workstation reads from (`team_servers`). The session token is kept as the
 * SecretVault's cipher text, like an instance password; the password itself is never stored.
 */
import type { SqlDatabase } from '../database';

/** A stored team server. */
export interface TeamServerRecord {
  id: string;
  name: string;
  url: string;
  login: string;
  /** The session token, encrypted; absent when signed out. */
  session?: string;
  createdAt: number;
}

interface TeamServerRow {
  id: string;
  name: string;
  url: string;
  login: string;
  session: string | null;
  created_at: number;
}

/** Reads and writes `team_servers`. */
export class TeamServerRepository {
  constructor(private readonly db: SqlDatabase) {}

  list(): TeamServerRecord[] {
    return (this.db.prepare('SELECT * FROM team_servers ORDER BY position, created_at').all() as TeamServerRow[]).map(toRecord);
  }

  get(id: string): TeamServerRecord | undefined {
    const row = this.db.prepare('SELECT * FROM team_servers WHERE id = ?').get(id) as TeamServerRow | undefined;
    return row && toRecord(row);
  }

  insert(record: TeamServerRecord): void {
    const position = Number(this.db.prepare('SELECT COALESCE(MAX(position), -1) + 1 FROM team_servers').pluck().get());
    this.db
      .prepare('INSERT INTO team_servers (id, name, url, login, session, position, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(record.id, record.name, record.url, record.login, record.session ?? null, position, record.createdAt);
  }

  /** Replaces the sealed session (undefined: signed out). */
  setSession(id: string, session: string | undefined): void {
    this.db.prepare('UPDATE team_servers SET session = ? WHERE id = ?').run(session ?? null, id);
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM team_servers WHERE id = ?').run(id);
  }
}

function toRecord(row: TeamServerRow): TeamServerRecord {
  const record: TeamServerRecord = { id: row.id, name: row.name, url: row.url, login: row.login, createdAt: row.created_at };
  if (row.session) record.session = row.session;
  return record;
}
