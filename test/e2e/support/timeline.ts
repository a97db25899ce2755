/** DOM conditions on the workbench's timeline that end-to-end tests wait on. */
import type { Page } from 'playwright-core';

/** Waits until the active timeline answers its filter and shows `total` rows, at least one of them loaded. */
export async function waitForTimelineTotal(page: Page, total: number): Promise<void> {
  await page.waitForFunction(
    (expected) => {
      const view = document.querySelector<HTMLElement>('[data-active-tab="true"] [data-testid="timeline-view"]');
      return view?.dataset.state === 'ready' && Number(view.dataset.total) === expected && !!view.querySelector('.timeline-row:not(.loading)');
    },
    total,
    { timeout: 20_000 },
  );
}
