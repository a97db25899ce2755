/**
 * Runs the benchmark's anchor, `bench/anchor/stdlib_pages.py`: Python's standard-library clients paging
 * update.webhook by id (xmlrpc.client on XML-RPC, urllib + json on JSON-RPC), storing nothing. It is a
 * client nobody here wrote, the one a user would otherwise use, so the app is measured against it.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TransportKind } from '../src-main/common/model';

/** What the anchor measured of itself. */
export interface AnchorResult {
  rows: number;
  pages: number;
  seconds: number;
  /** Its own CPU seconds (user and system). */
  user: number;
  system: number;
}

const script = fileURLToPath(new URL('./anchor/stdlib_pages.py', import.meta.url));

/** Pages the whole change log once with the Python client of `transport`. */
export function runAnchor(transport: TransportKind, target: { url: string; db: string; login: string; password: string }, pageSize = 5000): Promise<AnchorResult> {
  return new Promise((resolve, reject) => {
    execFile('python3', [script, transport, target.url, target.db, target.login, target.password, String(pageSize)], { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`The Python anchor (${transport}) failed: ${stderr || error.message}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as AnchorResult);
      } catch {
        reject(new Error(`The Python anchor (${transport}) printed no result: ${stdout.slice(0, 500)}`));
      }
    });
  });
}
