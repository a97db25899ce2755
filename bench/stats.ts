/** Small number helpers shared by the benchmark suites. */

/** `value` rounded to `digits` decimal places (for table cells and ratios). */
export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
