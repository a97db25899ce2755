/**
 * Odoo's wire format for date-times: naive UTC `YYYY-MM-DD HH:MM:SS` (sometimes with fractional
 * seconds or a `T`). Converted to and from Unix seconds here, at the edge where rows arrive.
 */
import { OcmError } from '../common/errors';

/** `'2026-11-30 09:51:44'` (naive UTC) → Unix seconds. Throws 'protocol' on anything else. */
export function secondsFromOdooTime(value: string): number {
  // Read digit by digit: every mirrored row has a timestamp, and a regular expression with six captures
  // costs several times more (this accepts exactly /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?$/).
  const length = value.length;
  const separator = value.charCodeAt(10);
  if (
    length < 19 ||
    value.charCodeAt(4) !== 45 || // -
    value.charCodeAt(7) !== 45 ||
    (separator !== 32 && separator !== 84) || // space or T
    value.charCodeAt(13) !== 58 || // :
    value.charCodeAt(16) !== 58 ||
    (length > 19 && (length === 20 || value.charCodeAt(19) !== 46 || !digitsOnly(value, 20, length)))
  ) {
    throw unexpectedTime(value);
  }
  const year = number(value, 0, 4);
  const month = number(value, 5, 7);
  const day = number(value, 8, 10);
  const hour = number(value, 11, 13);
  const minute = number(value, 14, 16);
  const second = number(value, 17, 19);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) throw unexpectedTime(value);
  return Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
}

/** The decimal number of `value[from, to)`, or -1 when a character is not a digit. */
function number(value: string, from: number, to: number): number {
  let result = 0;
  for (let at = from; at < to; at++) {
    const digit = value.charCodeAt(at) - 48;
    if (digit < 0 || digit > 9) return -1;
    result = result * 10 + digit;
  }
  return result;
}

function digitsOnly(value: string, from: number, to: number): boolean {
  for (let at = from; at < to; at++) {
    const digit = value.charCodeAt(at) - 48;
    if (digit < 0 || digit > 9) return false;
  }
  return true;
}

function unexpectedTime(value: string): OcmError {
  return new OcmError('protocol', `Unexpected timestamp from the server: ${JSON.stringify(value)}.`);
}

/** Unix seconds → Odoo's naive UTC `YYYY-MM-DD HH:MM:SS`. */
export function odooTimeFromSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}
