/**
 * Groups error messages that differ only in variable parts (numbers, ids, quoted values, URLs, hex,
 * UUIDs, dates), the way Sentry groups events: the normalized text is the group's title, and a short
 * stable hash of it is the fingerprint stored with each error row.
 */

const NORMALIZERS: readonly [RegExp, string][] = [
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\bhttps?:\/\/[^\s'"<>)]+/gi, '<url>'],
  [/\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?\b/g, '<time>'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  [/\b[0-9a-f]{12,}\b/gi, '<hex>'],
  [/'[^']*'/g, "'<value>'"],
  [/"[^"]*"/g, '"<value>"'],
  [/\(\d+(,\s*\d+)*,?\)/g, '(<ids>)'], // Odoo record sets like res.partner(12, 13)
  [/\[\d+(,\s*\d+)*\]/g, '[<ids>]'],
  [/\b\d+(\.\d+)?\b/g, '<n>'],
  [/\s+/g, ' '],
];

/** The message with its variable parts replaced by placeholders, trimmed to one line of 300 chars. */
export function normalizeErrorMessage(message: string): string {
  const firstLines = message.trim().split('\n').slice(0, 3).join(' ');
  let text = firstLines;
  for (const [pattern, replacement] of NORMALIZERS) text = text.replace(pattern, replacement);
  return text.trim().slice(0, 300);
}

/** A stable 16-hex-digit fingerprint (FNV-1a 64) of the normalized message; one group spans models. */
export function errorFingerprint(message: string): string {
  const input = normalizeErrorMessage(message);
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < input.length; i++) {
    hash ^= BigInt(input.charCodeAt(i));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}
