/**
 * Waits on the local mirror through the services' own events (no polling, no sleeps): end-to-end tests
 * use it to know a sync has brought the server's rows in before they drive the UI.
 */
import type { ChangeFilter, ChangeRow } from '../../../src-main/common/model';
import type { Services } from '../../../src-main/common/services';

/** Local rows matching `filter`, newest first (small test data sets only). */
export async function mirroredRows(services: Services, filter: ChangeFilter, limit = 5000): Promise<ChangeRow[]> {
  return (await services.changes.timeline({ filter, limit })).rows;
}

/**
 * Resolves with the rows matching `filter` once `accept` holds for them: checked now, then after each
 * data notice of the change service. Asks for a sync now so the wait is as short as the poll allows.
 * Rejects after `timeoutMs` with what was last seen, so a failure says why.
 */
export async function waitForMirror(
  services: Services,
  filter: ChangeFilter,
  accept: (rows: ChangeRow[]) => boolean,
  options: { timeoutMs?: number; instanceId?: string } = {},
): Promise<ChangeRow[]> {
  return new Promise<ChangeRow[]>((resolve, reject) => {
    let settled = false;
    let checking = false;
    let again = false;
    let lastSeen = 0;
    const finish = (error: Error | undefined, rows?: ChangeRow[]) => {
      if (settled) return;
      settled = true;
      subscription.dispose();
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(rows!);
    };
    // Notices can arrive while a check is in flight: run one more check after it rather than in parallel.
    const check = async () => {
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      try {
        do {
          again = false;
          const rows = await mirroredRows(services, filter);
          lastSeen = rows.length;
          if (accept(rows)) return finish(undefined, rows);
        } while (again && !settled);
      } catch (error) {
        finish(error as Error);
      } finally {
        checking = false;
      }
    };
    const subscription = services.changes.onDidChangeData(() => void check());
    const timer = setTimeout(
      () => finish(new Error(`the local mirror did not reach the expected state (last saw ${lastSeen} rows for ${JSON.stringify(filter)})`)),
      options.timeoutMs ?? 20_000,
    );
    void check();
    void services.sync.syncNow(options.instanceId).catch(() => undefined);
  });
}
