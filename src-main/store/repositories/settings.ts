/** User preferences, one JSON value per key (`settings`). */
import { DEFAULT_DELETE_CONFIRM_THRESHOLD } from '../../common/confirmation';
import type { Settings } from '../../common/model';
import type { SqlDatabase } from '../database';

/** What a fresh install starts with. */
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  language: 'en',
  theme: 'system',
  savedFilters: [],
  deleteConfirmThreshold: DEFAULT_DELETE_CONFIRM_THRESHOLD,
});

const KEYS = Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[];

/** Reads and writes `settings`. */
export class SettingsRepository {
  constructor(private readonly db: SqlDatabase) {}

  /** Every setting, defaults filled in for keys never written. */
  get(): Settings {
    const rows = this.db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
    const settings = { ...DEFAULT_SETTINGS, savedFilters: [...DEFAULT_SETTINGS.savedFilters] } as Record<string, unknown>;
    for (const row of rows) {
      if (!(KEYS as string[]).includes(row.key)) continue;
      try {
        settings[row.key] = JSON.parse(row.value);
      } catch {
        // A damaged value falls back to its default rather than breaking the app.
      }
    }
    return settings as unknown as Settings;
  }

  /** Whether the app recorded `flag`, a fact of its own kept beside the preferences (e.g. 'demo.dismissed'). */
  hasFlag(flag: string): boolean {
    return this.db.prepare('SELECT 1 FROM settings WHERE key = ?').get(flag) !== undefined;
  }

  /** Records `flag` (never returned by {@link get}, which reads known preference keys only). */
  setFlag(flag: string): void {
    this.db.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES (?, 'true')").run(flag);
  }

  /** Writes the given keys (unknown keys are ignored) and returns the result. */
  update(patch: Partial<Settings>): Settings {
    const upsert = this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    this.db.transaction(() => {
      for (const key of KEYS) {
        if (patch[key] !== undefined) upsert.run(key, JSON.stringify(patch[key]));
      }
    })();
    return this.get();
  }
}
