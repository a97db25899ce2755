/**
 * Live notices between the processes that share a team mirror on PostgreSQL. Every transaction that adds
 * or removes mirror rows also sends a small JSON notice on the `ocm_changes` channel (pg_notify, which
 * PostgreSQL delivers only when the transaction commits, and never when it rolls back); each process
 * LISTENs on one connection of its own and turns them back into {@link ChangesNotice}s.
 *
 * A notice names the pool that wrote it (its origin). A process skips its own: its engine and its admin
 * actions already announced those rows, at once and with the engine's own meaning.
 *
 * Delivery is best effort, as NOTIFY is: a notice sent while the listening connection reconnects is lost,
 * and that workbench sees the rows at its next query, as it would without notices.
 */
import { randomBytes } from 'node:crypto';
import type { ChangesNotice } from '../../common/model';
import { fromOthers, jsonOf, pgListen, pgNotify } from './channels';
import type { PgConnection } from './connection';
import type { PgTransaction } from './insert-hook';

/** The channel every team process listens on. */
export const CHANGES_CHANNEL = 'ocm_changes';

/** A notice as sent: the change notice and the pool that wrote the rows. */
export interface PgChangeNotice extends ChangesNotice {
  origin: string;
}

/** A new origin id: one per pool, so two mirrors opened in one process still hear each other. */
export function newNoticeOrigin(): string {
  return randomBytes(8).toString('hex');
}

/**
 * Queues the notice in the transaction `tx` (sent when it commits). The payload is ~150 bytes: the
 * instance id, two counts and a timestamp, far below PostgreSQL's 8,000-byte limit.
 */
export async function pgNotifyChanges(tx: PgTransaction, origin: string, notice: ChangesNotice): Promise<void> {
  const payload: PgChangeNotice = { origin, ...notice };
  await pgNotify(tx, CHANGES_CHANNEL, JSON.stringify(payload));
}

/** The notice in a payload, or undefined when it is not one (a foreign sender, another version's shape). */
export function parseChangeNotice(payload: string): PgChangeNotice | undefined {
  const value = jsonOf(payload);
  if (typeof value !== 'object' || value === null) return undefined;
  const { origin, instanceId, added, removed, newestTimestamp } = value as Record<string, unknown>;
  if (typeof origin !== 'string' || typeof instanceId !== 'string' || !isCount(added) || !isCount(removed)) return undefined;
  if (newestTimestamp !== undefined && typeof newestTimestamp !== 'string') return undefined;
  return { origin, instanceId, added, removed, ...(newestTimestamp !== undefined ? { newestTimestamp } : {}) };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Hands `listener` the notices of other origins than `origin`; resolves once listening. */
export function listenForChanges(sql: PgConnection, origin: string, listener: (notice: ChangesNotice) => void): Promise<{ unlisten(): Promise<void> }> {
  return pgListen(sql, CHANGES_CHANNEL, parseChangeNotice, fromOthers(origin, listener));
}
