/**
 * One-time download links for files the app wrote (browser-mode exports). A link is an unguessable
 * id plus the server's token; it works once, then the entry is forgotten.
 */
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';

/** A registered file waiting to be downloaded. */
export interface PendingDownload {
  filePath: string;
  fileName: string;
  /** Team mode: the user who exported it, the only one the link works for. */
  owner?: string;
}

/** Registry shared by the report service (which registers files) and the web server (which serves them). */
export class DownloadRegistry {
  private readonly pending = new Map<string, PendingDownload>();
  /** Set by the web server when it starts; appended to every link. */
  token = '';

  /** Registers `filePath` and returns its relative one-time URL (team mode: for `owner` only, no token). */
  register(filePath: string, fileName = basename(filePath), owner?: string): string {
    const id = randomBytes(18).toString('base64url');
    this.pending.set(id, owner === undefined ? { filePath, fileName } : { filePath, fileName, owner });
    return this.token ? `/download/${id}?token=${encodeURIComponent(this.token)}` : `/download/${id}`;
  }

  /** Takes (and forgets) the file registered under `id`; a file registered for an owner is only `owner`'s. */
  take(id: string, owner?: string): PendingDownload | undefined {
    const entry = this.pending.get(id);
    if (entry?.owner !== undefined && entry.owner !== owner) return undefined;
    this.pending.delete(id);
    return entry;
  }
}
