/**
 * The alert queue on the team mirror: the PostgreSQL twin of store/alert-queue.ts. Inside the transaction
 * that inserts rows it records the events the enabled rules fire on them (store/alert-firing.ts decides,
 * for both stores), so a crash can never keep a row and lose its alert. The error rules' two facts (an
 * earlier error with the fingerprint, the errors in a rate window) are read in one statement per batch
 * on that transaction, so they see the rows it just inserted.
 */
import type { InstanceId } from '../../common/model';
import { changeEvents, errorEvents, firingRules, rateWindows, wantsChanges, wantsErrors, wantsNewErrors, type FiringRules } from '../alert-firing';
import type { InsertedChange, InsertedError } from '../repositories/mirror';
import type { AlertsPort } from '../ports';
import type { PgMirrorInsertHook, PgTransaction } from './insert-hook';
import { pgQueueEvents } from './repositories/alerts';

/**
 * Per inserted error (by position): whether an earlier error of its fingerprint exists on the instance,
 * and its count in each window (`$5`, seconds), as an array in the windows' order.
 */
const ERROR_FACTS = `
SELECT input.position,
       $6::boolean AND EXISTS (SELECT 1 FROM errors e WHERE e.fingerprint = input.fingerprint AND e.instance_id = $1 AND e.id < input.id) AS earlier,
       ARRAY(SELECT (SELECT count(*) FROM errors e WHERE e.fingerprint = input.fingerprint AND e.instance_id = $1 AND e.ts > input.ts - w.seconds AND e.ts <= input.ts)
             FROM unnest($5::bigint[]) WITH ORDINALITY AS w (seconds, position) ORDER BY w.position) AS counts
FROM unnest($2::bigint[], $3::text[], $4::bigint[]) WITH ORDINALITY AS input (id, fingerprint, ts, position)`;

/** Queues alert events for the rows the PostgreSQL mirror inserts (see the module comment). */
export class PgAlertQueue implements PgMirrorInsertHook {
  private revision = -1;
  private rules: FiringRules = { changes: [], newErrors: [], errorRates: [] };

  /** @param alerts the rules, read on the pool (before the insert transaction asks). */
  constructor(private readonly alerts: Pick<AlertsPort, 'revision' | 'list'>) {}

  async wantsChanges(instanceId: InstanceId): Promise<boolean> {
    return wantsChanges(await this.current(), instanceId);
  }

  async changesInserted(tx: PgTransaction, instanceId: InstanceId, rows: readonly InsertedChange[], seenAt: number): Promise<void> {
    await pgQueueEvents(tx, changeEvents(this.rules, instanceId, rows), seenAt);
  }

  async wantsErrors(instanceId: InstanceId): Promise<boolean> {
    return wantsErrors(await this.current(), instanceId);
  }

  async errorsInserted(tx: PgTransaction, instanceId: InstanceId, rows: readonly InsertedError[], seenAt: number): Promise<void> {
    if (rows.length === 0) return;
    const windows = rateWindows(this.rules, instanceId);
    const newErrors = wantsNewErrors(this.rules, instanceId);
    if (windows.length === 0 && !newErrors) return;
    const facts = (await tx.unsafe(
      ERROR_FACTS,
      [instanceId, rows.map((row) => row.id), rows.map((row) => row.fingerprint), rows.map((row) => row.ts), windows, newErrors] as never[],
      { prepare: true },
    )) as unknown as { position: number; earlier: boolean; counts: number[] }[];
    const byRow = new Map<InsertedError, { earlier: boolean; counts: number[] }>();
    for (const fact of facts) byRow.set(rows[fact.position - 1], fact);
    const events = errorEvents(this.rules, instanceId, rows, {
      hasEarlier: (row) => byRow.get(row)!.earlier,
      countWithin: (row, seconds) => Number(byRow.get(row)!.counts[windows.indexOf(seconds)]),
    });
    await pgQueueEvents(tx, events, seenAt);
  }

  /** The enabled rules, reloaded when any collector changed them. */
  private async current(): Promise<FiringRules> {
    const revision = await this.alerts.revision();
    if (revision === this.revision) return this.rules;
    this.rules = firingRules(await this.alerts.list());
    this.revision = revision;
    return this.rules;
  }
}
