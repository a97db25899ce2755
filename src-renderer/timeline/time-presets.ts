/** Time presets of the filter bar, turned into `from` bounds at the moment they are picked. */
import type { TimePreset } from '../workbench/store';

const PRESET_SECONDS: Partial<Record<TimePreset, number>> = { '15m': 900, '1h': 3600, '24h': 86400, '7d': 604800 };

/** The ISO `from` for a preset (undefined = all time or custom). */
export function presetFrom(preset: TimePreset, now = Date.now()): string | undefined {
  const seconds = PRESET_SECONDS[preset];
  return seconds === undefined ? undefined : isoUtc(now - seconds * 1000);
}

/** Epoch milliseconds → `YYYY-MM-DDTHH:MM:SSZ` (filters are exact to the second). */
export function isoUtc(milliseconds: number): string {
  return new Date(milliseconds).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const pad = (value: number) => String(value).padStart(2, '0');

/** ISO UTC → the value of a `datetime-local` input (local time, to the second: ranges dragged on the histogram are exact to the second). */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** A `datetime-local` value (local time; seconds optional) → ISO UTC. */
export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : isoUtc(date.getTime());
}

/**
 * The "To" field shows the last second the range includes: the filter's end is exclusive (`ts < to`),
 * while a person reads "to 13:43:10" as including 13:43:10.
 */
export function toEndInput(to: string | undefined): string {
  return to ? toLocalInput(isoUtc(Date.parse(to) - 1000)) : '';
}

/** The filter's exclusive end for what the "To" field shows (the second after it). */
export function fromEndInput(value: string): string | undefined {
  const last = fromLocalInput(value);
  return last ? isoUtc(Date.parse(last) + 1000) : undefined;
}
