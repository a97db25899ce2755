/**
 * The simulated server's log, in Odoo's format (`2026-12-01 13:47:14,510 6900 WARNING ? logger: text`),
 * with a count of deprecated calls so a test can assert a client makes none: the RPC endpoints on 19+
 * (`/xmlrpc`, `/xmlrpc/2`, `/jsonrpc`) and `read_group` on 19+.
 */

import type { DeprecationKind } from './types';

/** Log levels the simulator writes. */
export type LogLevel = 'INFO' | 'WARNING' | 'ERROR';

/** Options of a {@link ServerLog}. */
export interface ServerLogOptions {
  clock: () => Date;
  /** Receives every line as it is written (e.g. `ocm simulate` prints them). */
  sink?: (line: string) => void;
  /** Lines kept in memory for {@link ServerLog.lines}; default 1,000. */
  keep?: number;
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** Odoo's log timestamp: local time `YYYY-MM-DD HH:MM:SS,mmm`. */
function stamp(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())},${pad(date.getMilliseconds(), 3)}`;
}

/** One simulator's log and deprecation counters. */
export class ServerLog {
  private readonly kept: string[] = [];
  private readonly counts: Record<DeprecationKind, number> = { endpoint: 0, read_group: 0 };
  private readonly once = new Set<string>();

  constructor(private readonly options: ServerLogOptions) {}

  /** Writes one record (`db` undefined prints `?`, as Odoo does outside a database). */
  write(level: LogLevel, db: string | undefined, logger: string, message: string): void {
    const line = `${stamp(this.options.clock())} ${process.pid} ${level} ${db ?? '?'} ${logger}: ${message}`;
    this.kept.push(line);
    if (this.kept.length > (this.options.keep ?? 1000)) this.kept.shift();
    this.options.sink?.(line);
  }

  /**
   * Counts a deprecated call and logs its warning. `onceKey` logs the warning only the first time for that
   * key (Python shows a DeprecationWarning once per place it is raised from); the count always grows.
   */
  deprecated(kind: DeprecationKind, db: string | undefined, logger: string, message: string, onceKey?: string): void {
    this.counts[kind]++;
    if (onceKey !== undefined) {
      if (this.once.has(onceKey)) return;
      this.once.add(onceKey);
    }
    this.write('WARNING', db, logger, message);
  }

  /** Deprecated calls served so far, of one kind or in all. */
  deprecatedCalls(kind?: DeprecationKind): number {
    return kind ? this.counts[kind] : this.counts.endpoint + this.counts.read_group;
  }

  /** The last lines written (oldest first). */
  lines(): string[] {
    return [...this.kept];
  }
}
