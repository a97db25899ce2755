/**
 * Rows of the `base` models that describe a database (`ir.model`, `ir.module.module`), derived from the
 * simulated schema, the Odoo version and whether (and in which flavour) auto_webhook is installed.
 * Clients read them to check a model exists and which version of a module is installed.
 */
import type { ModelDef } from './schema';
import type { ModuleFlavour } from './types';
import type { VersionProfile } from './versions';

type Rows = Array<Record<string, unknown> & { id: number }>;

/** The module that defines a model (the first of `ir.model.modules`). */
const MODEL_MODULE: Readonly<Record<string, string>> = {
  'res.partner': 'base',
  'res.users': 'base',
  'ir.model': 'base',
  'ir.model.fields': 'base',
  'ir.module.module': 'base',
  'product.category': 'product',
  'product.template': 'product',
  'product.product': 'product',
  'sale.order': 'sale',
  'purchase.order': 'purchase',
  'stock.picking': 'stock',
  'account.move': 'account',
  'account.journal': 'account',
  'hr.employee': 'hr',
  'hr.expense': 'hr_expense',
  'mail.message': 'mail',
  'mail.tracking.value': 'mail',
  'update.webhook': 'auto_webhook',
  'webhook.errors': 'auto_webhook',
  'webhook.cleanup.cron': 'auto_webhook',
};

/** `ir.model` rows, one per model of the schema, in schema order. */
export function irModelRows(schema: ReadonlyMap<string, ModelDef>): Rows {
  return [...schema.values()].map((def, index) => ({
    id: index + 1,
    name: def.description,
    model: def.name,
    order: def.order,
    info: false,
    state: 'base',
    transient: false,
    modules: MODEL_MODULE[def.name] ?? 'base',
  }));
}

/** `ir.model.fields` rows: every field of every model, with Odoo's `tracking` (0 when not tracked). */
export function irModelFieldRows(schema: ReadonlyMap<string, ModelDef>): Rows {
  const rows: Rows = [];
  [...schema.values()].forEach((def, index) => {
    for (const field of def.fields.values()) {
      rows.push({
        id: rows.length + 1,
        name: field.name,
        model: def.name,
        model_id: index + 1,
        field_description: field.string,
        ttype: field.type,
        relation: field.relation ?? false,
        required: Boolean(field.required),
        readonly: Boolean(field.readonly),
        store: field.store !== false && field.type !== 'one2many',
        tracking: field.tracking ?? 0,
      });
    }
  });
  return rows;
}

/** `res.currency`: the company's USD and an inactive EUR. */
export function currencyRows(): Rows {
  return [
    { id: 1, name: 'USD', symbol: '$', decimal_places: 2, active: true },
    { id: 2, name: 'EUR', symbol: '€', decimal_places: 2, active: false },
  ];
}

/** `ir.config_parameter` rows every database has (readable by administrators only). */
export function configParameterRows(databaseName: string): Rows {
  return [
    { id: 1, key: 'web.base.url', value: 'http://127.0.0.1:8069' },
    { id: 2, key: 'database.uuid', value: `8f1c2d3e-${databaseName.length.toString(16).padStart(4, '0')}-4a5b-9c6d-7e8f9a0b1c2d` },
    { id: 3, key: 'database.is_neutralized', value: 'False' },
  ];
}

/** `ir.module.module.latest_version` of auto_webhook when installed, per flavour. */
export function webhookModuleVersion(flavour: ModuleFlavour, serie: string): string {
  // The original module's manifest says 1.0.0 (Odoo prefixes the serie); ours speaks protocol 2 from 3.0.0.
  return flavour === 'original' ? `${serie}.1.0.0` : `${serie}.3.0.0`;
}

/** `ir.module.module` rows: the installed Community apps, `rpc` on 19+, and auto_webhook (installed or not). */
export function moduleRows(profile: VersionProfile, webhook: { installed: boolean; flavour: ModuleFlavour }): Rows {
  const serie = profile.serie;
  const modules: Array<[name: string, title: string, summary: string | false, application: boolean, version: string]> = [
    ['base', 'Base', 'The kernel of Odoo, needed for all installation', false, '1.3'],
    ['web', 'Web', false, false, '1.0'],
    ['mail', 'Discuss', 'Chat, mail gateway and private channels', true, '1.18'],
    ['product', 'Products & Pricelists', 'Products & Pricelists', false, '1.2'],
    ['sale', 'Sales', 'Sales internal machinery', false, '1.2'],
    ['sale_management', 'Sales', 'From quotations to invoices', true, '1.2'],
    ['purchase', 'Purchase', 'Purchase orders, tenders and agreements', true, '1.2'],
    ['stock', 'Inventory', 'Manage your stock and logistics activities', true, '1.1'],
    ['account', 'Invoicing', 'Invoices & Payments', true, '1.3'],
    ['hr', 'Employees', 'Centralize employee information', true, '1.1'],
    ['hr_expense', 'Expenses', 'Submit, validate and reinvoice employee expenses', true, '2.0'],
  ];
  if (profile.version >= 19) modules.push(['rpc', 'RPC', 'XML-RPC and JSON-RPC endpoints', false, '1.0']);
  const rows: Rows = modules.map(([name, shortdesc, summary, application, version], index) => ({
    id: index + 1,
    name,
    shortdesc,
    summary,
    author: 'Odoo S.A.',
    state: 'installed',
    latest_version: `${serie}.${version}`,
    installed_version: `${serie}.${version}`,
    application,
  }));
  const onDisk = webhookModuleVersion(webhook.flavour, serie);
  rows.push({
    id: rows.length + 1,
    name: 'auto_webhook',
    shortdesc: webhook.flavour === 'original' ? 'Auto Webhook Flutter' : 'Auto Webhook',
    summary: webhook.flavour === 'original' ? false : 'Change log of tracked models (create, write, unlink) for external consumers',
    author: webhook.flavour === 'original' ? false : 'Odoo Change Monitor',
    state: webhook.installed ? 'installed' : 'uninstalled',
    latest_version: webhook.installed ? onDisk : false,
    installed_version: onDisk,
    application: true,
  });
  return rows;
}
