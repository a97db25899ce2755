/**
 * Signals the app emits for whoever watches from outside (end-to-end tests, benchmarks): DOM
 * CustomEvents named `ocm:<name>` on window, plus performance marks. Tests wait on these instead of
 * sleeping.
 */

/** Names and payloads of the app's outward signals. */
export interface AppEventMap {
  ready: { instances: number };
  'rows-rendered': { tabId: string; rows: number; total: number; filterKey: string };
  data: { instanceId: string; added: number; removed: number };
  status: { instanceId: string; state: string };
  /** A running mirror's progress reached the workbench (rows done of the total). */
  'sync-progress': { instanceId: string; done: number; total?: number };
  /** Drawn: how many buckets got a bar drawn (all of them, unless the x scale cuts some off); min/max: the x range (Unix seconds); labels: the time axis as drawn. */
  'histogram-rendered': { tabId: string; filterKey: string; buckets: number; drawn: number; min: number; max: number; labels: string[] };
  'details-opened': { key: string };
  /** The drawer learnt the record's name and whether it exists from its server (null: could not tell). */
  'record-described': { key: string; name: string; exists: boolean | null };
  'connection-tested': { ok: boolean; failed: string[] };
  /** Saving was stopped to ask whether to save settings whose connection test failed. */
  'save-confirmation': { failed: string[] };
  'instance-saved': { id: string };
  'rows-deleted': { deleted: number };
  'orphans-scanned': { orphans: number };
  'orphans-cleaned': { requested: number; deleted: number; result: string };
  'language-changed': { language: string };
  'export-finished': { rows: number; format: string };
  'alert-preview': { events: number; days: number; kind: string };
  'alert-saved': { id: string; name: string };
  'alert-notified': { id: string; shown: boolean };
}

/** Emits `ocm:<name>` on window. */
export const appEvents = {
  emit<K extends keyof AppEventMap>(name: K, detail: AppEventMap[K]): void {
    window.dispatchEvent(new CustomEvent(`ocm:${name}`, { detail }));
  },
};

/** Marks a performance milestone once per page load (benchmarks read them). */
export function markOnce(name: string): void {
  if (performance.getEntriesByName(name, 'mark').length === 0) performance.mark(name);
}
