/** User preferences on PostgreSQL, one `jsonb` value per key (`settings`), as store/repositories/settings.ts. */
import type { Settings } from '../../../common/model';
import { DEFAULT_SETTINGS } from '../../repositories/settings';
import type { SettingsPort } from '../../ports';
import type { PgConnection } from '../connection';
import { jsonText, pgRows, pgRun, pgTransaction } from './rows';

const KEYS = Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[];

const UPSERT = 'INSERT INTO settings (key, value) VALUES ($1, $2::text::jsonb) ON CONFLICT (key) DO UPDATE SET value = excluded.value';

/** Reads and writes `settings` of the team database. */
export class PgSettingsRepository implements SettingsPort {
  constructor(private readonly sql: PgConnection) {}

  /** Every setting, defaults filled in for keys never written. */
  async get(): Promise<Settings> {
    const rows = await pgRows<{ key: string; value: unknown }>(this.sql, 'SELECT key, value FROM settings WHERE key = ANY($1::text[])', [KEYS]);
    const settings = { ...DEFAULT_SETTINGS, savedFilters: [...DEFAULT_SETTINGS.savedFilters] } as Record<string, unknown>;
    for (const row of rows) settings[row.key] = row.value;
    return settings as unknown as Settings;
  }

  /** Whether the app recorded `flag`, a fact of its own kept beside the preferences (e.g. 'demo.dismissed'). */
  async hasFlag(flag: string): Promise<boolean> {
    return (await pgRows(this.sql, 'SELECT 1 FROM settings WHERE key = $1', [flag])).length > 0;
  }

  /** Records `flag` (never returned by {@link get}, which reads known preference keys only). */
  async setFlag(flag: string): Promise<void> {
    await pgRun(this.sql, UPSERT, [flag, 'true']);
  }

  /** Writes the given keys (unknown keys are ignored) in one transaction and returns the result. */
  async update(patch: Partial<Settings>): Promise<Settings> {
    await pgTransaction(this.sql, async (tx) => {
      for (const key of KEYS) {
        if (patch[key] !== undefined) await pgRun(tx, UPSERT, [key, jsonText(patch[key])]);
      }
    });
    return this.get();
  }
}
