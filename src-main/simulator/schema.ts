/**
 * The simulated models: field definitions (what `fields_get` answers), default orders, record names and
 * access-control lists, modelled on Odoo 18 with demo data and the `auto_webhook` module.
 */
import type { ModuleFlavour } from './types';

/** Odoo field types the simulator knows. */
export type FieldType =
  | 'integer'
  | 'float'
  | 'monetary'
  | 'char'
  | 'text'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'selection'
  | 'many2one'
  | 'one2many';

/** One field of a model. */
export interface FieldDef {
  readonly name: string;
  readonly type: FieldType;
  readonly string: string;
  readonly required?: boolean;
  readonly readonly?: boolean;
  /** Target model of relational fields. */
  readonly relation?: string;
  /** Inverse many2one of one2many fields. */
  readonly inverse?: string;
  readonly selection?: ReadonlyArray<readonly [string, string]>;
  /** False for computed, non-stored fields (display_name). */
  readonly store?: boolean;
  readonly help?: string;
}

/** One model. */
export interface ModelDef {
  readonly name: string;
  /** `_description`: used in access-error messages. */
  readonly description: string;
  /** `_order`. */
  readonly order: string;
  readonly fields: ReadonlyMap<string, FieldDef>;
  /** The field holding the record name (`_rec_name`), if any. */
  readonly recName?: string;
  /** Whether changes to this model are logged by auto_webhook. */
  readonly tracked: boolean;
  /** Access-control list: group xml id → operations it allows (`r`, `w`, `c`, `u` = unlink). */
  readonly access: ReadonlyMap<string, string>;
}

/** The ten models the original module tracks. */
export const TRACKED_MODELS = [
  'sale.order',
  'product.template',
  'product.category',
  'res.partner',
  'account.move',
  'account.journal',
  'hr.expense',
  'stock.picking',
  'purchase.order',
  'hr.employee',
] as const;

const MAGIC_FIELDS: FieldDef[] = [
  { name: 'id', type: 'integer', string: 'ID', readonly: true },
  { name: 'display_name', type: 'char', string: 'Display Name', readonly: true, store: false },
  { name: 'create_uid', type: 'many2one', string: 'Created by', readonly: true, relation: 'res.users' },
  { name: 'create_date', type: 'datetime', string: 'Created on', readonly: true },
  { name: 'write_uid', type: 'many2one', string: 'Last Updated by', readonly: true, relation: 'res.users' },
  { name: 'write_date', type: 'datetime', string: 'Last Updated on', readonly: true },
];

function model(
  name: string,
  description: string,
  order: string,
  fields: FieldDef[],
  options: { recName?: string; tracked?: boolean; access: Record<string, string> },
): ModelDef {
  const map = new Map<string, FieldDef>();
  for (const field of [...fields, ...MAGIC_FIELDS]) map.set(field.name, field);
  return {
    name,
    description,
    order,
    fields: map,
    recName: options.recName ?? (map.has('name') ? 'name' : undefined),
    tracked: options.tracked ?? false,
    access: new Map(Object.entries(options.access)),
  };
}

const BUSINESS_ACCESS = { 'base.group_user': 'rwcu' };
const CONFIG_ACCESS = { 'base.group_user': 'r', 'base.group_system': 'rwcu' };

const char = (name: string, string: string, extra: Partial<FieldDef> = {}): FieldDef => ({ name, type: 'char', string, ...extra });
const m2o = (name: string, string: string, relation: string, extra: Partial<FieldDef> = {}): FieldDef => ({
  name,
  type: 'many2one',
  string,
  relation,
  ...extra,
});
const bool = (name: string, string: string): FieldDef => ({ name, type: 'boolean', string });
const money = (name: string, string: string): FieldDef => ({ name, type: 'monetary', string, readonly: true });
const sel = (name: string, string: string, selection: Array<[string, string]>, extra: Partial<FieldDef> = {}): FieldDef => ({
  name,
  type: 'selection',
  string,
  selection,
  ...extra,
});

/** Business models of the demo database (the same in every flavour). */
function businessModels(): ModelDef[] {
  return [
    model(
      'res.partner',
      'Contact',
      'complete_name asc, id desc',
      [
        char('name', 'Name'),
        char('complete_name', 'Complete Name', { readonly: true }),
        bool('active', 'Active'),
        bool('is_company', 'Is a Company'),
        m2o('parent_id', 'Related Company', 'res.partner'),
        { name: 'child_ids', type: 'one2many', string: 'Contact', relation: 'res.partner', inverse: 'parent_id' },
        sel('type', 'Address Type', [
          ['contact', 'Contact'],
          ['invoice', 'Invoice Address'],
          ['delivery', 'Delivery Address'],
          ['other', 'Other Address'],
        ]),
        char('email', 'Email'),
        char('phone', 'Phone'),
        char('mobile', 'Mobile'),
        char('street', 'Street'),
        char('city', 'City'),
        char('zip', 'Zip'),
        char('vat', 'Tax ID'),
        char('website', 'Website Link'),
        { name: 'customer_rank', type: 'integer', string: 'Customer Rank' },
        { name: 'supplier_rank', type: 'integer', string: 'Supplier Rank' },
      ],
      { tracked: true, recName: 'complete_name', access: { ...BUSINESS_ACCESS, 'base.group_portal': 'r' } },
    ),
    model(
      'product.category',
      'Product Category',
      'complete_name',
      [
        char('name', 'Name', { required: true }),
        char('complete_name', 'Complete Name', { readonly: true }),
        m2o('parent_id', 'Parent Category', 'product.category'),
      ],
      { tracked: true, recName: 'complete_name', access: BUSINESS_ACCESS },
    ),
    model(
      'product.template',
      'Product',
      'name',
      [
        char('name', 'Name', { required: true }),
        bool('active', 'Active'),
        char('default_code', 'Internal Reference'),
        sel('type', 'Product Type', [
          ['consu', 'Goods'],
          ['service', 'Service'],
          ['combo', 'Combo'],
        ]),
        { name: 'list_price', type: 'float', string: 'Sales Price' },
        { name: 'standard_price', type: 'float', string: 'Cost' },
        m2o('categ_id', 'Product Category', 'product.category'),
        bool('sale_ok', 'Can be Sold'),
        bool('purchase_ok', 'Can be Purchased'),
      ],
      { tracked: true, access: BUSINESS_ACCESS },
    ),
    model(
      'product.product',
      'Product Variant',
      'default_code, name, id',
      [
        m2o('product_tmpl_id', 'Product Template', 'product.template', { required: true }),
        char('name', 'Name'),
        bool('active', 'Active'),
        char('default_code', 'Internal Reference'),
        { name: 'lst_price', type: 'float', string: 'Sales Price' },
        char('barcode', 'Barcode'),
      ],
      { access: BUSINESS_ACCESS },
    ),
    model(
      'sale.order',
      'Sales Order',
      'date_order desc, id desc',
      [
        char('name', 'Order Reference', { required: true, readonly: false }),
        m2o('partner_id', 'Customer', 'res.partner', { required: true }),
        { name: 'date_order', type: 'datetime', string: 'Order Date', required: true },
        sel('state', 'Status', [
          ['draft', 'Quotation'],
          ['sent', 'Quotation Sent'],
          ['sale', 'Sales Order'],
          ['cancel', 'Cancelled'],
        ], { readonly: true }),
        money('amount_total', 'Total'),
        m2o('user_id', 'Salesperson', 'res.users'),
        char('client_order_ref', 'Customer Reference'),
      ],
      { tracked: true, access: BUSINESS_ACCESS },
    ),
    model(
      'account.journal',
      'Journal',
      'sequence, type, code',
      [
        char('name', 'Journal Name', { required: true }),
        char('code', 'Short Code', { required: true }),
        sel('type', 'Type', [
          ['sale', 'Sales'],
          ['purchase', 'Purchase'],
          ['cash', 'Cash'],
          ['bank', 'Bank'],
          ['credit', 'Credit Card'],
          ['general', 'Miscellaneous'],
        ], { required: true }),
        bool('active', 'Active'),
        { name: 'sequence', type: 'integer', string: 'Sequence' },
      ],
      { tracked: true, access: CONFIG_ACCESS },
    ),
    model(
      'account.move',
      'Journal Entry',
      'date desc, name desc, id desc',
      [
        char('name', 'Number', { readonly: false }),
        sel('move_type', 'Type', [
          ['entry', 'Journal Entry'],
          ['out_invoice', 'Customer Invoice'],
          ['out_refund', 'Customer Credit Note'],
          ['in_invoice', 'Vendor Bill'],
          ['in_refund', 'Vendor Credit Note'],
        ], { required: true }),
        m2o('partner_id', 'Partner', 'res.partner'),
        { name: 'date', type: 'date', string: 'Date', required: true },
        { name: 'invoice_date', type: 'date', string: 'Invoice/Bill Date' },
        sel('state', 'Status', [
          ['draft', 'Draft'],
          ['posted', 'Posted'],
          ['cancel', 'Cancelled'],
        ], { required: true, readonly: true }),
        money('amount_total', 'Total'),
        m2o('journal_id', 'Journal', 'account.journal', { required: true }),
      ],
      { tracked: true, access: BUSINESS_ACCESS },
    ),
    model(
      'hr.employee',
      'Employee',
      'name',
      [
        char('name', 'Employee Name'),
        bool('active', 'Active'),
        char('job_title', 'Job Title'),
        char('work_email', 'Work Email'),
        char('work_phone', 'Work Phone'),
        m2o('parent_id', 'Manager', 'hr.employee'),
        m2o('user_id', 'User', 'res.users'),
      ],
      { tracked: true, access: BUSINESS_ACCESS },
    ),
    model(
      'hr.expense',
      'Expense',
      'date desc, id desc',
      [
        char('name', 'Description', { required: true }),
        m2o('employee_id', 'Employee', 'hr.employee', { required: true }),
        m2o('product_id', 'Category', 'product.product'),
        { name: 'total_amount', type: 'monetary', string: 'Total' },
        { name: 'date', type: 'date', string: 'Expense Date' },
        sel('state', 'Status', [
          ['draft', 'To Report'],
          ['reported', 'To Submit'],
          ['submitted', 'Submitted'],
          ['approved', 'Approved'],
          ['done', 'Done'],
          ['refused', 'Refused'],
        ], { readonly: true }),
      ],
      { tracked: true, access: BUSINESS_ACCESS },
    ),
    model(
      'stock.picking',
      'Transfer',
      'scheduled_date asc, id desc',
      [
        char('name', 'Reference'),
        m2o('partner_id', 'Contact', 'res.partner'),
        char('origin', 'Source Document'),
        { name: 'scheduled_date', type: 'datetime', string: 'Scheduled Date', required: true },
        sel('state', 'Status', [
          ['draft', 'Draft'],
          ['waiting', 'Waiting Another Operation'],
          ['confirmed', 'Waiting'],
          ['assigned', 'Ready'],
          ['done', 'Done'],
          ['cancel', 'Cancelled'],
        ], { readonly: true }),
        sel('picking_type_code', 'Type of Operation', [
          ['incoming', 'Receipt'],
          ['outgoing', 'Delivery'],
          ['internal', 'Internal Transfer'],
        ], { readonly: true }),
      ],
      { tracked: true, access: BUSINESS_ACCESS },
    ),
    model(
      'purchase.order',
      'Purchase Order',
      'id desc',
      [
        char('name', 'Order Reference', { required: true }),
        m2o('partner_id', 'Vendor', 'res.partner', { required: true }),
        { name: 'date_order', type: 'datetime', string: 'Order Deadline', required: true },
        sel('state', 'Status', [
          ['draft', 'RFQ'],
          ['sent', 'RFQ Sent'],
          ['to approve', 'To Approve'],
          ['purchase', 'Purchase Order'],
          ['done', 'Locked'],
          ['cancel', 'Cancelled'],
        ], { readonly: true }),
        money('amount_total', 'Total'),
        char('partner_ref', 'Vendor Reference'),
      ],
      { tracked: true, access: BUSINESS_ACCESS },
    ),
    model(
      'res.users',
      'User',
      'name, login',
      [
        char('name', 'Name'),
        char('login', 'Login', { required: true }),
        bool('active', 'Active'),
        m2o('partner_id', 'Related Partner', 'res.partner', { required: true }),
        bool('share', 'Share User'),
      ],
      { access: { 'base.group_user': 'r', 'base.group_portal': 'r', 'base.group_system': 'rwcu' } },
    ),
  ];
}

/** The auto_webhook models in the given flavour. */
function webhookModels(flavour: ModuleFlavour): ModelDef[] {
  const fixed = flavour === 'fixed';
  const logFields: FieldDef[] = [
    char('model', 'Model', { required: true }),
    { name: 'record_id', type: 'integer', string: 'Record ID', required: true },
    sel('event', 'Event', [
      ['create', 'Create'],
      ['write', 'Write'],
      ['unlink', 'Unlink'],
    ], { required: true }),
    { name: 'timestamp', type: 'datetime', string: 'Timestamp', required: true, readonly: true },
  ];
  if (fixed) {
    logFields.push(
      { name: 'change_count', type: 'integer', string: 'Change Count', readonly: true },
      m2o('user_id', 'User', 'res.users', { readonly: true }),
      char('changed_fields', 'Changed Fields', { readonly: true }),
    );
  }
  return [
    model('update.webhook', 'Store webhook updates from FastAPI', 'timestamp desc', logFields, {
      access: { 'base.group_user': 'ru' },
    }),
    model(
      'webhook.errors',
      'Log errors occurring in webhook tracking',
      'timestamp desc',
      [
        char('model', 'Model', { required: true }),
        { name: 'record_id', type: 'integer', string: 'Record ID', required: true },
        { name: 'error_message', type: 'text', string: 'Error Message', required: true },
        { name: 'timestamp', type: 'datetime', string: 'Timestamp', required: true, readonly: true },
      ],
      // The original module ships no access rule for the error log: only the superuser can read it.
      { access: fixed ? { 'base.group_system': 'ru' } : {} },
    ),
    model('webhook.cleanup.cron', 'Cron Job to clean up outdated webhook records', 'id', [], { access: {} }),
  ];
}

/** Models of the `base` module that clients read to learn about a server: models and installed modules. */
function systemModels(): ModelDef[] {
  return [
    model(
      'ir.model',
      'Models',
      'model',
      [
        char('name', 'Model Description', { required: true }),
        char('model', 'Model', { required: true }),
        char('order', 'Order'),
        { name: 'info', type: 'text', string: 'Information' },
        sel('state', 'Type', [
          ['manual', 'Custom Object'],
          ['base', 'Base Object'],
        ]),
        bool('transient', 'Transient Model'),
        char('modules', 'In Apps', { readonly: true, store: false }),
      ],
      { access: CONFIG_ACCESS },
    ),
    model(
      'ir.config_parameter',
      'System Parameter',
      'key',
      [char('key', 'Key', { required: true }), { name: 'value', type: 'text', string: 'Value', required: true }],
      { recName: 'key', access: { 'base.group_system': 'rwcu' } },
    ),
    model(
      'ir.module.module',
      'Module',
      'name',
      [
        char('name', 'Technical Name', { required: true, readonly: true }),
        char('shortdesc', 'Module Name', { readonly: true }),
        char('summary', 'Summary', { readonly: true }),
        char('author', 'Author', { readonly: true }),
        sel('state', 'Status', [
          ['uninstallable', 'Uninstallable'],
          ['uninstalled', 'Not Installed'],
          ['installed', 'Installed'],
          ['to upgrade', 'To be upgraded'],
          ['to remove', 'To be removed'],
          ['to install', 'To be installed'],
        ], { readonly: true }),
        // Odoo's own labels: the stored version is "Installed Version", the one on disk "Latest Version".
        char('latest_version', 'Installed Version', { readonly: true }),
        char('installed_version', 'Latest Version', { readonly: true, store: false }),
        bool('application', 'Application'),
      ],
      { recName: 'shortdesc', access: CONFIG_ACCESS },
    ),
  ];
}

/** Every model of a database, by name. `withModule` false = auto_webhook not installed. */
export function buildSchema(flavour: ModuleFlavour, withModule: boolean): Map<string, ModelDef> {
  const models = [...businessModels(), ...systemModels(), ...(withModule ? webhookModels(flavour) : [])];
  const tracked = new Set<string>(TRACKED_MODELS);
  return new Map(models.map((def) => [def.name, withModule && tracked.has(def.name) ? { ...def, tracked: true } : { ...def, tracked: false }]));
}
