/**
 * Demo business data of the simulated databases (names modelled on Odoo's own demo data) and the 19
 * `update.webhook` rows the original module logged while that demo data was installed.
 */
import { formatDate, formatDatetime } from './clock';

/** Raw rows per model, ids included; many2one values are ids, unset values `false`. */
export type DemoData = Record<string, Array<Record<string, unknown> & { id: number }>>;

/** Users of every database: uid, login, password, name, partner, groups. */
export const DEMO_USERS = [
  { uid: 1, login: '__system__', password: '', name: 'OdooBot', partner: 2, active: false, groups: ['base.group_user', 'base.group_system'] },
  { uid: 2, login: 'admin', password: 'admin', name: 'Mitchell Admin', partner: 3, active: true, groups: ['base.group_user', 'base.group_system'] },
  { uid: 5, login: 'default', password: '', name: 'Default User Template', partner: 5, active: false, groups: ['base.group_user'] },
  { uid: 6, login: 'demo', password: 'demo', name: 'Marc Demo', partner: 7, active: true, groups: ['base.group_user'] },
  { uid: 8, login: 'portal', password: 'portal', name: 'Joel Willis', partner: 9, active: true, groups: ['base.group_portal'] },
] as const;

const COMPANIES: Array<[number, string, string, string]> = [
  [10, 'Deco Addict', 'deco_addict@example.com', 'Pleasant Hill'],
  [11, 'Gemini Furniture', 'gemini_furniture@example.com', 'Fairfield'],
  [12, 'Ready Mat', 'ready_mat@example.com', 'Tracy'],
  [13, 'The Jackson Group', 'jackson_group@example.com', 'Miami'],
  [14, 'Azure Interior', 'azure_interior@example.com', 'Fremont'],
  [15, 'Lumber Inc', 'lumber_inc@example.com', 'Stockton'],
  [16, 'Wood Corner', 'wood_corner@example.com', 'Turlock'],
];

const CONTACTS: Array<[number, string, number]> = [
  [17, 'Addison Olson', 10],
  [18, 'Douglas Fletcher', 10],
  [19, 'Edwin Hansen', 11],
  [20, 'Jesse Brown', 11],
  [21, 'Oscar Morgan', 12],
  [22, 'Billy Fox', 14],
  [23, 'Brandon Freeman', 14],
  [24, 'Colleen Diaz', 14],
  [25, 'Nicole Ford', 14],
  [26, 'Kim Snyder', 16],
  [27, 'Ron Gibson', 16],
  [28, 'Willie Burke', 16],
  [29, 'Floyd Steward', 15],
  [30, 'Jeff Lawson', 13],
];

const PRODUCTS: Array<[string, string, number, number]> = [
  ['Office Chair', 'FURN_7777', 70, 55],
  ['Desk Combination', 'FURN_7800', 450, 300],
  ['Large Cabinet', 'E-COM07', 320, 800],
  ['Corner Desk Right Sit', 'E-COM06', 147, 600],
  ['Customizable Desk', 'FURN_0096', 750, 500],
  ['Conference Chair', 'FURN_1118', 33, 28],
  ['Drawer Black', 'FURN_8900', 25, 20],
  ['Flipover', 'FURN_9001', 1950, 1700],
  ['Three-Seat Sofa', 'FURN_8999', 1500, 1000],
  ['Large Desk', 'E-COM09', 1799, 1299],
  ['Pedal Bin', 'E-COM10', 47, 10],
  ['Storage Box', 'E-COM08', 79, 14.5],
];

const EMPLOYEES: Array<[string, string, number | false]> = [
  ['Mitchell Admin', 'Chief Executive Officer', 2],
  ['Marc Demo', 'Experienced Developer', 6],
  ['Abigail Peterson', 'Consultant', false],
  ['Anita Oliver', 'Experienced Developer', false],
  ['Audrey Peterson', 'Consultant', false],
  ['Beth Evans', 'Experienced Developer', false],
  ['Doris Cole', 'Consultant', false],
  ['Eli Lambert', 'Marketing and Community Manager', false],
  ['Ernest Reed', 'Consultant', false],
  ['Jeffrey Kelly', 'Marketing and Community Manager', false],
  ['Keith Byrd', 'Experienced Developer', false],
  ['Paul Williams', 'Experienced Developer', false],
  ['Rachel Perry', 'Marketing and Community Manager', false],
  ['Ronnie Hart', 'Team Leader', false],
  ['Toni Jimenez', 'Consultant', false],
];

/** Demo data installed at `install` (create/write dates a little before it). */
export function demoData(install: Date): DemoData {
  const at = (seconds: number): string => formatDatetime(new Date(install.getTime() + seconds * 1000));
  const stamp = (seconds: number, uid = 1): Record<string, unknown> => ({
    create_uid: uid,
    create_date: at(seconds),
    write_uid: uid,
    write_date: at(seconds),
  });
  const day = (offsetDays: number): string => formatDate(new Date(install.getTime() + offsetDays * 86400000));

  const partner = (id: number, name: string, extra: Record<string, unknown>): Record<string, unknown> & { id: number } => ({
    id,
    name,
    complete_name: name,
    active: true,
    is_company: false,
    parent_id: false,
    type: 'contact',
    email: false,
    phone: false,
    mobile: false,
    street: false,
    city: false,
    zip: false,
    vat: false,
    website: false,
    customer_rank: 0,
    supplier_rank: 0,
    ...stamp(-60),
    ...extra,
  });

  const partners = [
    partner(1, 'YourCompany', { is_company: true, email: 'info@yourcompany.com', phone: '+1 555-555-5556', street: '250 Executive Park Blvd, Suite 3400', city: 'San Francisco', zip: '94134', website: 'http://www.example.com' }),
    partner(2, 'OdooBot', { active: false, email: 'odoobot@example.com' }),
    partner(3, 'Mitchell Admin', { parent_id: 1, complete_name: 'YourCompany, Mitchell Admin', email: 'admin@yourcompany.example.com', phone: '+1 555-555-5555', city: 'Scranton' }),
    partner(4, 'Public user', { active: false }),
    partner(5, 'Default User Template', { active: false }),
    partner(7, 'Marc Demo', { parent_id: 1, complete_name: 'YourCompany, Marc Demo', email: 'mark.brown23@example.com', city: 'Buffalo' }),
    partner(9, 'Joel Willis', { email: 'joel.willis63@example.com', city: 'Tracy' }),
    ...COMPANIES.map(([id, name, email, city], index) =>
      partner(id, name, {
        is_company: true,
        email,
        city,
        phone: `(${603 + index})-996-3829`,
        street: `${100 + index * 37} Main Street`,
        zip: String(94000 + index * 13),
        vat: index % 2 ? `US${12345670 + index}` : false,
        customer_rank: 1,
        supplier_rank: index % 3 === 0 ? 1 : 0,
      }),
    ),
    ...CONTACTS.map(([id, name, parent]) => {
      const company = COMPANIES.find(([companyId]) => companyId === parent);
      const companyName = company ? company[1] : '';
      return partner(id, name, {
        parent_id: parent,
        complete_name: `${companyName}, ${name}`,
        email: `${name.toLowerCase().replace(/\s+/g, '.')}@example.com`,
        city: company ? company[3] : false,
      });
    }),
  ];

  const users = DEMO_USERS.map((user) => ({
    id: user.uid,
    name: user.name,
    login: user.login,
    active: user.active,
    partner_id: user.partner,
    share: user.login === 'portal',
    ...stamp(-60),
  }));

  const categories = [
    { id: 1, name: 'All', complete_name: 'All', parent_id: false, ...stamp(-60) },
    { id: 2, name: 'Saleable', complete_name: 'All / Saleable', parent_id: 1, ...stamp(-60) },
    { id: 3, name: 'Expenses', complete_name: 'All / Expenses', parent_id: 1, ...stamp(-60) },
    { id: 4, name: 'Deliveries', complete_name: 'All / Deliveries', parent_id: 1, ...stamp(-60) },
    { id: 5, name: 'Office Furniture', complete_name: 'All / Saleable / Office Furniture', parent_id: 2, ...stamp(-60) },
  ];

  const templates = PRODUCTS.map(([name, code, price, cost], index) => ({
    id: index + 1,
    name,
    active: true,
    default_code: code,
    type: 'consu',
    list_price: price,
    standard_price: cost,
    categ_id: 5,
    sale_ok: true,
    purchase_ok: true,
    invoice_policy: 'order',
    cost_method: 'standard',
    ...stamp(-50),
  }));
  const variants = PRODUCTS.map(([name, code, price], index) => ({
    id: index + 1,
    product_tmpl_id: index + 1,
    name,
    active: true,
    default_code: code,
    lst_price: price,
    barcode: false,
    ...stamp(-50),
  }));

  const journals = [
    ['Customer Invoices', 'INV', 'sale', 5],
    ['Vendor Bills', 'BILL', 'purchase', 6],
    ['Miscellaneous Operations', 'MISC', 'general', 9],
    ['Exchange Difference', 'EXCH', 'general', 9],
    ['Bank', 'BNK1', 'bank', 10],
    ['Cash', 'CSH1', 'cash', 10],
  ].map(([name, code, type, sequence], index) => ({ id: index + 1, name, code, type, sequence, active: true, ...stamp(-55) }));

  const customers = [10, 11, 12, 13, 14, 15, 16, 23, 19, 26, 10, 14];
  const orderStates = ['sale', 'sale', 'sale', 'sale', 'sale', 'sale', 'draft', 'draft', 'sent', 'draft', 'cancel', 'draft'];
  const saleOrders = customers.map((partnerId, index) => ({
    id: index + 1,
    name: `S${String(index + 1).padStart(5, '0')}`,
    partner_id: partnerId,
    date_order: at(-86400 * (12 - index)),
    state: orderStates[index],
    amount_total: [1740, 2947.5, 377.5, 2240, 1282.5, 5715, 1799, 9705, 1265, 750, 70, 2315][index],
    user_id: index % 2 ? 6 : 2,
    client_order_ref: false,
    ...stamp(-40),
  }));

  const moves = [
    ['INV/2026/00001', 'out_invoice', 10, 'posted', 1740, 1],
    ['INV/2026/00002', 'out_invoice', 11, 'posted', 2947.5, 1],
    ['INV/2026/00003', 'out_invoice', 14, 'posted', 1282.5, 1],
    ['/', 'out_invoice', 12, 'draft', 377.5, 1],
    ['BILL/2026/11/0001', 'in_invoice', 15, 'posted', 2500, 2],
    ['BILL/2026/11/0002', 'in_invoice', 13, 'posted', 640, 2],
    ['/', 'in_invoice', 16, 'draft', 1200, 2],
    ['MISC/2026/11/0001', 'entry', false, 'posted', 300, 3],
  ].map(([name, moveType, partnerId, state, total, journal], index) => ({
    id: index + 1,
    name,
    move_type: moveType,
    partner_id: partnerId,
    date: day(-10 + index),
    invoice_date: moveType === 'entry' ? false : day(-10 + index),
    state,
    amount_total: total,
    journal_id: journal,
    ...stamp(-35),
  }));

  const pickings = [
    ['WH/OUT/00001', 10, 'S00001', 'done', 'outgoing'],
    ['WH/OUT/00002', 11, 'S00002', 'assigned', 'outgoing'],
    ['WH/OUT/00003', 12, 'S00003', 'assigned', 'outgoing'],
    ['WH/IN/00001', 15, 'P00001', 'done', 'incoming'],
    ['WH/IN/00002', 13, 'P00002', 'assigned', 'incoming'],
    ['WH/INT/00001', false, false, 'draft', 'internal'],
  ].map(([name, partnerId, origin, state, code], index) => ({
    id: index + 1,
    name,
    partner_id: partnerId,
    origin,
    scheduled_date: at(86400 * (index - 2)),
    state,
    picking_type_code: code,
    ...stamp(-30),
  }));

  const purchases = [
    [15, 'purchase', 2500],
    [13, 'purchase', 640],
    [16, 'draft', 1200],
    [10, 'sent', 330],
    [12, 'draft', 95],
    [15, 'cancel', 40],
  ].map(([partnerId, state, total], index) => ({
    id: index + 1,
    name: `P${String(index + 1).padStart(5, '0')}`,
    partner_id: partnerId,
    date_order: at(-86400 * (8 - index)),
    state,
    amount_total: total,
    partner_ref: false,
    ...stamp(-30),
  }));

  const employees = EMPLOYEES.map(([name, job, user], index) => ({
    id: index + 1,
    name,
    active: name !== 'Toni Jimenez',
    job_title: job,
    work_email: `${name.split(' ')[0].toLowerCase()}@example.com`,
    work_phone: `(555)-${String(1000 + index * 17).padStart(4, '0')}`,
    parent_id: index === 0 ? false : index < 4 ? 1 : 14,
    user_id: user,
    ...stamp(-45),
  }));

  const expenses = [
    ['Travel: Brussels', 1, 3, 1250, 'approved'],
    ['Hotel: 2 nights', 2, 3, 420, 'submitted'],
    ['Lunch with customer', 4, 3, 64.5, 'draft'],
    ['Taxi to airport', 6, 3, 38, 'done'],
    ['Office supplies', 9, 3, 119.99, 'refused'],
  ].map(([name, employee, product, total, state], index) => ({
    id: index + 1,
    name,
    employee_id: employee,
    product_id: product,
    total_amount: total,
    date: day(-6 + index),
    state,
    ...stamp(-25),
  }));

  return {
    'res.partner': partners.sort((a, b) => a.id - b.id),
    'res.users': users,
    'product.category': categories,
    'product.template': templates,
    'product.product': variants,
    'account.journal': journals,
    'sale.order': saleOrders,
    'account.move': moves,
    'stock.picking': pickings,
    'purchase.order': purchases,
    'hr.employee': employees,
    'hr.expense': expenses,
  };
}

/**
 * The 19 log rows the original module wrote while the demo data was installed: [model, record_id, event,
 * seconds after install]. Ids are not in timestamp order (id 16 is later than id 1; id 7 earlier).
 */
export const DEMO_LOG: ReadonlyArray<readonly [string, number, 'create' | 'write' | 'unlink', number]> = [
  ['sale.order', 1, 'write', 1],
  ['sale.order', 2, 'write', 1],
  ['sale.order', 3, 'write', 1],
  ['sale.order', 4, 'write', 1],
  ['sale.order', 5, 'write', 1],
  ['sale.order', 6, 'write', 1],
  ['res.partner', 10, 'write', 0],
  ['res.partner', 14, 'write', 0],
  ['product.template', 5, 'write', 2],
  ['product.template', 6, 'write', 2],
  ['account.move', 1, 'write', 3],
  ['account.move', 2, 'write', 3],
  ['stock.picking', 1, 'write', 3],
  ['purchase.order', 1, 'write', 4],
  ['hr.employee', 1, 'write', 4],
  ['account.journal', 1, 'write', 5],
  ['hr.expense', 1, 'write', 1],
  ['product.category', 2, 'write', 0],
  ['stock.picking', 2, 'write', 5],
];
