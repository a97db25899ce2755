/**
 * Time conversions at the store's edges: Odoo sends naive UTC `YYYY-MM-DD HH:MM:SS`, the store keeps
 * integer Unix seconds, the services speak ISO-8601 UTC.
 */
import { OcmError } from '../common/errors';

const ODOO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?$/;

/** `'2026-11-30 09:51:44'` (naive UTC) → Unix seconds. Throws 'protocol' on anything else. */
export function odooTimeToUnix(value: string): number {
  const match = ODOO_DATETIME.exec(value);
  if (!match) throw new OcmError('protocol', `Unexpected timestamp from the server: ${JSON.stringify(value)}.`);
  const [, y, mo, d, h, mi, s] = match;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000;
}

/** Unix seconds → Odoo's naive UTC `YYYY-MM-DD HH:MM:SS`. */
export function unixToOdooTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Unix seconds → `2026-11-30T09:51:44Z`. */
export function unixToIso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** ISO-8601 → Unix seconds (floored). */
export function isoToUnix(value: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new OcmError('invalid-input', `Not a date: ${JSON.stringify(value)}.`);
  return Math.floor(ms / 1000);
}

/** The current time in Unix seconds. */
export function nowUnix(): number {
  return Math.floor(Date.now() / 1000);
}
