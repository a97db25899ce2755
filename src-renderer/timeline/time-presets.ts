/** Time presets of the filter bar, turned into `from` bounds at the moment they are picked. */
import type { TimePreset } from '../workbench/store';

const PRESET_SECONDS: Partial<Record<TimePreset, number>> = { '15m': 900, '1h': 3600, '24h': 86400, '7d': 604800 };

/** The ISO `from` for a preset (undefined = all time or custom). */
export function presetFrom(preset: TimePreset, now = Date.now()): string | undefined {
  const seconds = PRESET_SECONDS[preset];
  return seconds === undefined ? undefined : new Date(now - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** ISO UTC → the value of a `datetime-local` input (local time). */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A `datetime-local` value → ISO UTC. */
export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
