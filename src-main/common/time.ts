/** The contracts speak ISO-8601 UTC; the store and the engine count in integer Unix seconds: the one pair of conversions. */
import { OcmError } from './errors';

/** Unix seconds → `YYYY-MM-DDTHH:MM:SSZ`. */
export function isoFromSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19) + 'Z';
}

/** A date-time without a zone (including Odoo's `YYYY-MM-DD HH:MM:SS`) is UTC, never local time. */
const ZONELESS_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const ISO_LIKE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Parses an ISO-8601 instant into Unix seconds, rounding a fractional second up (so `ts >= from` and
 * `ts < to` on integer seconds keep their meaning). Throws 'invalid-input' naming `what` otherwise.
 */
export function secondsFromIso(value: string, what: string): number {
  const text = value.trim();
  if (!ISO_LIKE.test(text)) throw invalidTime(value, what);
  const milliseconds = Date.parse(ZONELESS_DATE_TIME.test(text) ? text.replace(' ', 'T') + 'Z' : text);
  if (Number.isNaN(milliseconds)) throw invalidTime(value, what);
  return Math.ceil(milliseconds / 1000);
}

function invalidTime(value: string, what: string): OcmError {
  return new OcmError('invalid-input', `${what} is not a valid time: "${value}".`, {
    hint: 'Use ISO-8601 UTC, e.g. 2026-11-30T09:51:44Z.',
  });
}
