/** Aligned plain-text tables for the CLI: two spaces between columns, the last column never padded. */

/** Each column's width: its longest cell, header included. */
export function columnWidths(header: readonly string[], rows: readonly (readonly string[])[]): number[] {
  return header.map((title, column) => Math.max(title.length, ...rows.map((cells) => cells[column].length)));
}

/** One line; columns listed in `rightAligned` (numbers, ids) are padded on the left. No trailing spaces. */
export function alignRow(cells: readonly string[], widths: readonly number[], rightAligned: readonly number[]): string {
  return cells
    .map((cell, column) => (column === cells.length - 1 ? cell : rightAligned.includes(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
    .join('  ')
    .trimEnd();
}

/** The header and rows as aligned lines. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: readonly number[]): string {
  const widths = columnWidths(header, rows);
  return [header, ...rows].map((cells) => alignRow(cells, widths, rightAligned)).join('\n');
}
