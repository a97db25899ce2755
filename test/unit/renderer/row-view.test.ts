import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { columnWidths, ROW_HEIGHT, slotsFor, visibleRange } from '../../../src-renderer/timeline/row-view';

describe('timeline rows', () => {
  it('finds the visible rows by arithmetic, below the sticky header, with one row of margin', () => {
    // 480 px: the header covers 24, so rows 0..18 are visible; one more at each edge.
    expect(visibleRange(0, 480, 1_000_000)).toEqual({ first: 0, last: 19 });
    expect(visibleRange(2400, 480, 1_000_000)).toEqual({ first: 99, last: 119 });
    expect(visibleRange(0, 480, 5)).toEqual({ first: 0, last: 4 });
    expect(visibleRange(0, 480, 0)).toEqual({ first: 0, last: -1 });
    // Scrolled past the end (the list shrank): still a valid range.
    expect(visibleRange(10_000, 480, 3)).toEqual({ first: 2, last: 2 });
  });

  it('covers every row that shows any pixel, and enough elements hold them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 24_000_000 }), fc.integer({ min: 48, max: 2000 }), fc.integer({ min: 1, max: 1_000_000 }), (scrollTop, height, total) => {
        const range = visibleRange(scrollTop, height, total);
        const top = Math.min(scrollTop, Math.max(0, total * ROW_HEIGHT - 1));
        // Rows whose box intersects [top, top + height - header) in body coordinates.
        const firstShown = Math.min(total - 1, Math.floor(top / ROW_HEIGHT));
        const lastShown = Math.min(total - 1, Math.floor((top + height - ROW_HEIGHT - 1) / ROW_HEIGHT));
        if (scrollTop <= (total - 1) * ROW_HEIGHT) {
          expect(range.first).toBeLessThanOrEqual(firstShown);
          expect(range.last).toBeGreaterThanOrEqual(Math.max(firstShown, lastShown));
        }
        expect(range.last - range.first + 1).toBeLessThanOrEqual(slotsFor(height));
      }),
    );
  });

  it('sizes columns like the grid it replaces: fixed columns fixed, the rest shared 1 : 2 : 2 above their minimums', () => {
    const wide = columnWidths(1200);
    expect(wide.slice(1, 3)).toEqual([150, 110]);
    expect(wide[4]).toBe(110);
    const free = 1200 - 24 - 60 - 370;
    expect(wide[0] + wide[3] + wide[5]).toBeLessThanOrEqual(free);
    expect(wide[0] + wide[3] + wide[5]).toBeGreaterThan(free - 3);
    expect(wide[3]).toBeCloseTo(2 * wide[0], -1);
    // Narrow: minimums hold and the list scrolls sideways.
    expect(columnWidths(500)).toEqual([90, 150, 110, 180, 110, 120]);
    // In between: the column that would fall below its minimum takes it, the others share the rest.
    const middle = columnWidths(900);
    expect(middle[0]).toBe(90);
    expect(middle[3]).toBeGreaterThanOrEqual(180);
    expect(middle[5]).toBeGreaterThanOrEqual(120);
  });
});
