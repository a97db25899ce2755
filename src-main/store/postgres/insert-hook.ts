/**
 * The PostgreSQL twin of the mirror's insert hook (store/repositories/mirror.ts `MirrorInsertHook`):
 * work done inside the transaction that inserts rows, on the rows it added and only those. The alert
 * queue uses it to record the events its rules fire, so a crash never keeps a row and loses its alert.
 */
import type postgres from 'postgres';
import type { InstanceId } from '../../common/model';
import type { InsertedChange, InsertedError } from '../repositories/mirror';

/** A transaction of the PostgreSQL pool. */
export type PgTransaction = postgres.TransactionSql<Record<string, never>>;

/** Asked once per insert transaction (`wants…`), then handed the inserted rows with their ids. */
export interface PgMirrorInsertHook {
  wantsChanges(instanceId: InstanceId): boolean | Promise<boolean>;
  changesInserted(tx: PgTransaction, instanceId: InstanceId, rows: readonly InsertedChange[], seenAt: number): Promise<void>;
  wantsErrors(instanceId: InstanceId): boolean | Promise<boolean>;
  errorsInserted(tx: PgTransaction, instanceId: InstanceId, rows: readonly InsertedError[], seenAt: number): Promise<void>;
}
