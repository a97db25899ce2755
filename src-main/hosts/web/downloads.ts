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
}

/** Registry shared by the report service (which registers files) and the web server (which serves them). */
export class DownloadRegistry {
  private readonly pending = new Map<string, PendingDownload>();
  /** Set by the web server when it starts; appended to every link. */
  token = '';

  /** Registers `filePath` and returns its relative one-time URL. */
  register(filePath: string, fileName = basename(filePath)): string {
    const id = randomBytes(18).toString('base64url');
    this.pending.set(id, { filePath, fileName });
    return `/download/${id}?token=${encodeURIComponent(this.token)}`;
  }

  /** Takes (and forgets) the file registered under `id`. */
  take(id: string): PendingDownload | undefined {
    const entry = this.pending.get(id);
    this.pending.delete(id);
    return entry;
  }
}
