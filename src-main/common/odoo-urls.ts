/**
 * Links into Odoo's web client, by Odoo's own URL rules (read in odoo/odoo):
 *
 * - From 17.2 (SaaS) and 18 on, the web client's router (`addons/web/static/src/core/browser/router.js`)
 *   reads `/odoo/<model>/<id>`, a model without a dot written `m-<model>`; before, records open at
 *   `/web#id=<id>&model=<model>&view_type=form` (which 17.2+ still redirects).
 * - The database comes from the `db` query parameter (`ensure_db` in `addons/web/controllers/utils.py`,
 *   used by the `/web` and `/odoo` routes): checked against the server's dbfilter, switching the session
 *   to it. On a server hosting one database it is not needed.
 */

/** What a record link is made of. */
export interface RecordLinkInput {
  /** The instance's server address, e.g. `https://erp.example.com` (a path after it is kept). */
  baseUrl: string;
  model: string;
  recordId: number;
  /** The server's version string, e.g. '18.0-20250421' or 'saas~17.2+e'; unknown: the newest rules. */
  serverVersion?: string;
  /** The database, added as `?db=` (leave it out when the server hosts that database only). */
  db?: string;
}

/** The record's URL in Odoo's web client. */
export function odooRecordUrl(input: RecordLinkInput): string {
  const base = input.baseUrl.replace(/\/+$/, '');
  const query = input.db ? `?db=${encodeURIComponent(input.db)}` : '';
  if (!routesUnderOdoo(input.serverVersion)) {
    return `${base}/web${query}#id=${input.recordId}&model=${encodeURIComponent(input.model)}&view_type=form`;
  }
  const model = input.model.includes('.') ? input.model : `m-${input.model}`;
  return `${base}/odoo/${encodeURIComponent(model)}/${input.recordId}${query}`;
}

/** True from Odoo 17.2 (and for an unknown version): records live under `/odoo/`. */
function routesUnderOdoo(serverVersion: string | undefined): boolean {
  const match = /(\d+)\.(\d+)/.exec(serverVersion ?? '');
  if (!match) return true;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > 17 || (major === 17 && minor >= 2);
}
