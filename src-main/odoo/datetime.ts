/**
 * Odoo's wire format for date-times: naive UTC `YYYY-MM-DD HH:MM:SS` (sometimes with fractional
 * seconds or a `T`). Converted to and from Unix seconds here, at the edge where rows arrive.
 */
import { OcmError } from '../common/errors';

const ODOO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?$/;

/** `'2026-11-30 09:51:44'` (naive UTC) → Unix seconds. Throws 'protocol' on anything else. */
export function secondsFromOdooTime(value: string): number {
  const match = ODOO_DATETIME.exec(value);
  if (!match) throw new OcmError('protocol', `Unexpected timestamp from the server: ${JSON.stringify(value)}.`);
  const [, y, mo, d, h, mi, s] = match;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000;
}

/** Unix seconds → Odoo's naive UTC `YYYY-MM-DD HH:MM:SS`. */
export function odooTimeFromSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}
