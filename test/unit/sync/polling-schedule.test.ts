/** When the polling source checks a model and re-reads its window (sync/polling/windows.ts, dueModels). */
import { describe, expect, it } from 'vitest';
import { dueModels } from '../../../src-main/sync/polling/source';
import { isHot, windowDue, windowSeconds } from '../../../src-main/sync/polling/windows';
import type { ModelCursor } from '../../../src-main/store/repositories/polling';

const OVERLAP = 120;

describe('windows', () => {
  it('keeps a changed model hot for the overlap', () => {
    expect(isHot(undefined, 1000, OVERLAP)).toBe(false);
    expect(isHot({ changedAt: 1000 }, 1119, OVERLAP)).toBe(true);
    expect(isHot({ changedAt: 1000 }, 1120, OVERLAP)).toBe(false);
  });

  it('re-reads the window every half overlap while late commits may come, then once after, then never', () => {
    expect(windowDue({}, 1000, OVERLAP)).toBe(false);
    expect(windowDue({ changedAt: 1000 }, 1002, OVERLAP)).toBe(true); // never read
    expect(windowDue({ changedAt: 1000, windowReadAt: 1002 }, 1030, OVERLAP)).toBe(false);
    expect(windowDue({ changedAt: 1000, windowReadAt: 1002 }, 1062, OVERLAP)).toBe(true);
    expect(windowDue({ changedAt: 1000, windowReadAt: 1100 }, 1120, OVERLAP)).toBe(true); // the overlap has passed
    expect(windowDue({ changedAt: 1000, windowReadAt: 1120 }, 5000, OVERLAP)).toBe(false); // read after the last late commit could come
  });

  it('reaches a transaction of the overlap plus the time between two re-reads behind the cursor', () => {
    expect(windowSeconds(OVERLAP)).toBe(180);
  });
});

describe('dueModels', () => {
  const models = ['a.a', 'b.b', 'c.c', 'd.d', 'e.e'];
  const cursor = (model: string, fields: Partial<ModelCursor>): [string, ModelCursor] => [model, { model, baselineAfter: 0, baselineDone: true, ...fields }];

  it('checks models without a baseline, hot ones, ones owed a window, then the stalest idle ones', () => {
    const cursors = new Map([
      cursor('a.a', { checkedAt: 900 }),
      cursor('b.b', { checkedAt: 990, changedAt: 990 }), // hot
      cursor('c.c', { checkedAt: 800 }),
      cursor('d.d', { checkedAt: 700, changedAt: 850, windowReadAt: 900 }), // owes its last window
    ]);
    expect(dueModels(models, cursors, 0, 1000, OVERLAP)).toEqual(['b.b', 'd.d', 'e.e']);
    expect(dueModels(models, cursors, 1, 1000, OVERLAP)).toEqual(['b.b', 'd.d', 'e.e', 'c.c']);
    expect(dueModels(models, cursors, 2, 1000, OVERLAP)).toEqual(['b.b', 'd.d', 'e.e', 'c.c', 'a.a']);
  });
});
