/**
 * CSV cell encoding (RFC 4180) that is safe to open in a spreadsheet: a cell that starts with `=`, `+`,
 * `-`, `@`, a tab or a carriage return is prefixed with `'` so Excel and LibreOffice treat it as text
 * instead of evaluating it as a formula (CSV/formula injection, OWASP). Shared by the Node-side exports,
 * the CLI and the workbench's own downloads.
 */

/** A cell value before encoding; undefined and null become empty cells. */
export type CsvValue = string | number | boolean | null | undefined;

/** The UTF-8 byte-order mark Excel needs to read a CSV file as UTF-8 (Arabic text). */
export const UTF8_BOM = '\uFEFF';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** Encodes one cell: neutralises formula starters, then quotes when the cell holds `"`, `,`, CR or LF. */
export function csvCell(value: CsvValue): string {
  if (value === undefined || value === null) return '';
  // Numbers are safe even when negative: a spreadsheet reads -3 as a number, not a formula.
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = typeof value === 'boolean' ? (value ? 'true' : 'false') : value;
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.split('"').join('""')}"` : text;
}
