/**
 * Odoo's datetime text form: naive UTC `YYYY-MM-DD HH:MM:SS` (second resolution), as sent over RPC.
 */

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** Formats a Date as Odoo's naive UTC datetime string. */
export function formatDatetime(date: Date): string {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(
    date.getUTCMinutes(),
  )}:${pad(date.getUTCSeconds())}`;
}

/** Formats a Date as Odoo's date string `YYYY-MM-DD` (UTC). */
export function formatDate(date: Date): string {
  return formatDatetime(date).slice(0, 10);
}

/** Parses `YYYY-MM-DD[ HH:MM:SS]` as UTC. */
export function parseDatetime(text: string): Date {
  const [day, time = '00:00:00'] = text.trim().split(/[ T]/);
  return new Date(`${day}T${time.slice(0, 8)}Z`);
}
