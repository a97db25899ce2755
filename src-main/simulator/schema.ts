/**
 * The simulated models: field definitions (what `fields_get` answers), default orders, record names,
 * access-control lists and Odoo's field tracking (`tracking`, on models with a chatter), modelled on Odoo
 * 18 with demo data, the mail module's messages and the `auto_webhook` module.
 */
import type { ModuleFlavour } from './types';

/** Odoo field types the simulator knows. */
export type FieldType =
  | 'integer'
  | 'float'
  | 'monetary'
  | 'char'
  | 'text'
  | 'html'
  | 'binary'
  | 'many2one_reference'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'selection'
  | 'many2one'
  | 'one2many';

/** Every field type, as `ir.model.fields.ttype` lists them. */
const FIELD_TYPES: readonly FieldType[] = ['integer', 'float', 'monetary', 'char', 'text', 'html', 'boolean', 'date', 'datetime', 'selection', 'binary', 'many2one', 'one2many', 'many2one_reference'];

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
  /** Odoo's field tracking on models with a chatter: its order in the chatter (`tracking=True` is 100). */
  readonly tracking?: number;
  /** A secret (`password=True`): never read back, never put in a log. */
  readonly password?: boolean;
  /** Readable only by members of this group (`groups=` on the field), e.g. `base.group_system`. */
  readonly groups?: string;
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
  /** Whether the model has a chatter (`mail.thread`): creation notes and tracked values in `mail.message`. */
  readonly mailThread?: boolean;
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
  options: { recName?: string; tracked?: boolean; mailThread?: boolean; access: Record<string, string> },
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
    mailThread: options.mailThread ?? false,
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
/** A field with Odoo's field tracking (`tracking=order`; True is 100). */
const tracked = (field: FieldDef, order = 100): FieldDef => ({ ...field, tracking: order });
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
        tracked(char('name', 'Name'), 5),
        char('complete_name', 'Complete Name', { readonly: true }),
        bool('active', 'Active'),
        bool('is_company', 'Is a Company'),
        tracked(m2o('parent_id', 'Related Company', 'res.partner'), 3),
        { name: 'child_ids', type: 'one2many', string: 'Contact', relation: 'res.partner', inverse: 'parent_id' },
        sel('type', 'Address Type', [
          ['contact', 'Contact'],
          ['invoice', 'Invoice Address'],
          ['delivery', 'Delivery Address'],
          ['other', 'Other Address'],
        ]),
        tracked(char('email', 'Email'), 1),
        tracked(char('phone', 'Phone'), 2),
        char('mobile', 'Mobile'),
        char('street', 'Street'),
        char('city', 'City'),
        char('zip', 'Zip'),
        tracked(char('vat', 'Tax ID'), 4),
        char('website', 'Website Link'),
        { name: 'customer_rank', type: 'integer', string: 'Customer Rank' },
        { name: 'supplier_rank', type: 'integer', string: 'Supplier Rank' },
        { name: 'image_1920', type: 'binary', string: 'Image' },
        char('signup_token', 'Signup Token'),
      ],
      { tracked: true, mailThread: true, recName: 'complete_name', access: { ...BUSINESS_ACCESS, 'base.group_portal': 'r' } },
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
        tracked({ name: 'list_price', type: 'float', string: 'Sales Price' }),
        { name: 'standard_price', type: 'float', string: 'Cost' },
        m2o('categ_id', 'Product Category', 'product.category'),
        bool('sale_ok', 'Can be Sold'),
        bool('purchase_ok', 'Can be Purchased'),
        tracked(sel('invoice_policy', 'Invoicing Policy', [
          ['order', 'Ordered quantities'],
          ['delivery', 'Delivered quantities'],
        ])),
        tracked(sel('cost_method', 'Costing Method', [
          ['standard', 'Standard Price'],
          ['fifo', 'First In First Out (FIFO)'],
          ['average', 'Average Cost (AVCO)'],
        ])),
        { name: 'image_1920', type: 'binary', string: 'Image' },
      ],
      { tracked: true, mailThread: true, access: BUSINESS_ACCESS },
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
        tracked(m2o('partner_id', 'Customer', 'res.partner', { required: true }), 1),
        { name: 'date_order', type: 'datetime', string: 'Order Date', required: true },
        tracked(sel('state', 'Status', [
          ['draft', 'Quotation'],
          ['sent', 'Quotation Sent'],
          ['sale', 'Sales Order'],
          ['cancel', 'Cancelled'],
        ], { readonly: true }), 3),
        tracked(money('amount_total', 'Total'), 4),
        tracked(m2o('user_id', 'Salesperson', 'res.users'), 2),
        char('client_order_ref', 'Customer Reference'),
      ],
      { tracked: true, mailThread: true, access: BUSINESS_ACCESS },
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
      { tracked: true, mailThread: true, access: CONFIG_ACCESS },
    ),
    model(
      'account.move',
      'Journal Entry',
      'date desc, name desc, id desc',
      [
        tracked(char('name', 'Number', { readonly: false })),
        sel('move_type', 'Type', [
          ['entry', 'Journal Entry'],
          ['out_invoice', 'Customer Invoice'],
          ['out_refund', 'Customer Credit Note'],
          ['in_invoice', 'Vendor Bill'],
          ['in_refund', 'Vendor Credit Note'],
        ], { required: true }),
        tracked(m2o('partner_id', 'Partner', 'res.partner')),
        tracked({ name: 'date', type: 'date', string: 'Date', required: true }),
        { name: 'invoice_date', type: 'date', string: 'Invoice/Bill Date' },
        tracked(sel('state', 'Status', [
          ['draft', 'Draft'],
          ['posted', 'Posted'],
          ['cancel', 'Cancelled'],
        ], { required: true, readonly: true })),
        tracked(money('amount_total', 'Total')),
        m2o('journal_id', 'Journal', 'account.journal', { required: true }),
      ],
      { tracked: true, mailThread: true, access: BUSINESS_ACCESS },
    ),
    model(
      'hr.employee',
      'Employee',
      'name',
      [
        tracked(char('name', 'Employee Name')),
        bool('active', 'Active'),
        tracked(char('job_title', 'Job Title')),
        tracked(char('work_email', 'Work Email')),
        char('work_phone', 'Work Phone'),
        tracked(m2o('parent_id', 'Manager', 'hr.employee')),
        tracked(m2o('user_id', 'User', 'res.users')),
      ],
      { tracked: true, mailThread: true, access: BUSINESS_ACCESS },
    ),
    model(
      'hr.expense',
      'Expense',
      'date desc, id desc',
      [
        char('name', 'Description', { required: true }),
        tracked(m2o('employee_id', 'Employee', 'hr.employee', { required: true })),
        m2o('product_id', 'Category', 'product.product'),
        tracked({ name: 'total_amount', type: 'monetary', string: 'Total' }),
        { name: 'date', type: 'date', string: 'Expense Date' },
        tracked(sel('state', 'Status', [
          ['draft', 'To Report'],
          ['reported', 'To Submit'],
          ['submitted', 'Submitted'],
          ['approved', 'Approved'],
          ['done', 'Done'],
          ['refused', 'Refused'],
        ], { readonly: true })),
      ],
      { tracked: true, mailThread: true, access: BUSINESS_ACCESS },
    ),
    model(
      'stock.picking',
      'Transfer',
      'scheduled_date asc, id desc',
      [
        char('name', 'Reference'),
        tracked(m2o('partner_id', 'Contact', 'res.partner')),
        tracked(char('origin', 'Source Document')),
        tracked({ name: 'scheduled_date', type: 'datetime', string: 'Scheduled Date', required: true }),
        tracked(sel('state', 'Status', [
          ['draft', 'Draft'],
          ['waiting', 'Waiting Another Operation'],
          ['confirmed', 'Waiting'],
          ['assigned', 'Ready'],
          ['done', 'Done'],
          ['cancel', 'Cancelled'],
        ], { readonly: true })),
        sel('picking_type_code', 'Type of Operation', [
          ['incoming', 'Receipt'],
          ['outgoing', 'Delivery'],
          ['internal', 'Internal Transfer'],
        ], { readonly: true }),
      ],
      { tracked: true, mailThread: true, access: BUSINESS_ACCESS },
    ),
    model(
      'purchase.order',
      'Purchase Order',
      'id desc',
      [
        char('name', 'Order Reference', { required: true }),
        tracked(m2o('partner_id', 'Vendor', 'res.partner', { required: true })),
        { name: 'date_order', type: 'datetime', string: 'Order Deadline', required: true },
        tracked(sel('state', 'Status', [
          ['draft', 'RFQ'],
          ['sent', 'RFQ Sent'],
          ['to approve', 'To Approve'],
          ['purchase', 'Purchase Order'],
          ['done', 'Locked'],
          ['cancel', 'Cancelled'],
        ], { readonly: true })),
        tracked(money('amount_total', 'Total')),
        char('partner_ref', 'Vendor Reference'),
      ],
      { tracked: true, mailThread: true, access: BUSINESS_ACCESS },
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

/** The mail module's chatter: messages and the tracked values of writes (read access as in Odoo 18's mail). */
function mailModels(): ModelDef[] {
  const valueFields = (prefix: 'old' | 'new', label: 'Old' | 'New'): FieldDef[] => [
    { name: `${prefix}_value_integer`, type: 'integer', string: `${label} Value Integer`, readonly: true },
    { name: `${prefix}_value_float`, type: 'float', string: `${label} Value Float`, readonly: true },
    char(`${prefix}_value_char`, `${label} Value Char`, { readonly: true }),
    { name: `${prefix}_value_text`, type: 'text', string: `${label} Value Text`, readonly: true },
    { name: `${prefix}_value_datetime`, type: 'datetime', string: `${label} Value DateTime`, readonly: true },
  ];
  return [
    model(
      'mail.message',
      'Message',
      'id desc',
      [
        char('subject', 'Subject'),
        { name: 'body', type: 'html', string: 'Contents' },
        char('model', 'Related Document Model'),
        { name: 'res_id', type: 'many2one_reference', string: 'Related Document ID' },
        char('record_name', 'Message Record Name', { readonly: true }),
        sel('message_type', 'Type', [
          ['email', 'Incoming Email'],
          ['comment', 'Comment'],
          ['email_outgoing', 'Outgoing Email'],
          ['notification', 'System notification'],
          ['auto_comment', 'Automated Targeted Notification'],
          ['user_notification', 'User Specific Notification'],
        ], { required: true }),
        m2o('author_id', 'Author', 'res.partner'),
        { name: 'date', type: 'datetime', string: 'Date' },
        { name: 'tracking_value_ids', type: 'one2many', string: 'Tracking values', relation: 'mail.tracking.value', inverse: 'mail_message_id', groups: 'base.group_system' },
      ],
      { recName: 'record_name', access: { 'base.group_user': 'r', 'base.group_system': 'rwcu' } },
    ),
    model(
      'mail.tracking.value',
      'Mail Tracking Value',
      'id DESC',
      [
        m2o('field_id', 'Field', 'ir.model.fields', { required: true, readonly: true }),
        ...valueFields('old', 'Old'),
        ...valueFields('new', 'New'),
        m2o('currency_id', 'Currency', 'res.currency', { readonly: true }),
        m2o('mail_message_id', 'Message ID', 'mail.message', { required: true }),
      ],
      { access: { 'base.group_system': 'rwcu' } },
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
      // Protocol 2: old and new values of the fields a write changed (JSON text), docs/addon-protocol.md.
      { name: 'changed_values', type: 'text', string: 'Changed Values', readonly: true },
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
      'ir.model.fields',
      'Fields',
      'name',
      [
        char('name', 'Field Name', { required: true }),
        char('model', 'Model Name', { required: true }),
        m2o('model_id', 'Model', 'ir.model', { required: true }),
        char('field_description', 'Field Label', { required: true }),
        sel('ttype', 'Field Type', FIELD_TYPES.map((type) => [type, type]), { required: true }),
        char('relation', 'Related Model'),
        bool('required', 'Required'),
        bool('readonly', 'Readonly'),
        bool('store', 'Stored'),
        { name: 'tracking', type: 'integer', string: 'Enable Ordered Tracking', help: 'If set every modification done to this field is tracked. Value is used to order tracking values.' },
      ],
      { recName: 'field_description', access: CONFIG_ACCESS },
    ),
    model(
      'res.currency',
      'Currency',
      'active desc, name',
      [char('name', 'Currency', { required: true }), char('symbol', 'Symbol', { required: true }), { name: 'decimal_places', type: 'integer', string: 'Decimal Places' }, bool('active', 'Active')],
      { access: { 'base.group_user': 'r', 'base.group_portal': 'r', 'base.group_system': 'rwcu' } },
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
  const models = [...businessModels(), ...systemModels(), ...mailModels(), ...(withModule ? webhookModels(flavour) : [])];
  const tracked = new Set<string>(TRACKED_MODELS);
  return new Map(models.map((def) => [def.name, withModule && tracked.has(def.name) ? { ...def, tracked: true } : { ...def, tracked: false }]));
}
