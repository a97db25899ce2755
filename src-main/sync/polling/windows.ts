/**
 * When the polling source re-reads what it already read. Odoo stamps a row with its transaction's start
 * (`write_date`, second resolution) and gives a message its id at insert, while both become visible at
 * commit: a row can appear behind the cursor, in the same second as the last one read (a tie) or up to a
 * transaction's length earlier (a late commit). So, on the app's clock (never compared with the server's,
 * so clock skew does not matter):
 *
 * - a model (or the chatter) that changed is *hot* for the overlap: checked every pass, and the pass right
 *   after a change reads again from the cursor's second (ties);
 * - while late commits may still come, its *window* (from the cursor minus {@link windowSeconds}) is
 *   re-read every half overlap, and once more after the overlap has passed since the last change, as ids
 *   and dates only. A transaction of up to the overlap is then seen, whatever it wrote.
 */

/** When something last changed and when its window was last re-read (Unix seconds, app clock). */
export interface WindowClock {
  changedAt?: number;
  windowReadAt?: number;
}

/** Changed less than the overlap ago: checked every pass. */
export function isHot(clock: WindowClock | undefined, now: number, overlapSeconds: number): boolean {
  return clock?.changedAt !== undefined && now < clock.changedAt + overlapSeconds;
}

/** The window must be re-read now: a late commit may have come since it was last read. */
export function windowDue(clock: WindowClock | undefined, now: number, overlapSeconds: number): boolean {
  if (clock?.changedAt === undefined) return false;
  const read = clock.windowReadAt ?? -Infinity;
  if (read >= clock.changedAt + overlapSeconds) return false; // read after the last late commit could come
  return now - read >= overlapSeconds / 2 || now >= clock.changedAt + overlapSeconds;
}

/**
 * How far behind the cursor the window reaches: a transaction of up to the overlap, plus the half overlap
 * between two re-reads.
 */
export function windowSeconds(overlapSeconds: number): number {
  return Math.ceil(overlapSeconds * 1.5);
}
