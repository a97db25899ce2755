/**
 * Synthetic business activity: creates, writes, deletes, archive/unarchive and sale-order confirmations
 * across the ten tracked models, applied through the same ORM paths as RPC calls (so the module's logging
 * and Odoo's own field tracking apply), on one or several databases (`seed`, and `plain` where no module
 * logs anything), deterministic for a seed.
 */
import type { Database } from './database';
import { OdooException } from './errors';
import { hashString, Random } from './random';
import { TRACKED_MODELS } from './schema';
import type { TrafficGenerator, TrafficOperation } from './types';

const FIRST = ['Alice', 'Bruno', 'Chloé', 'Dmitri', 'Elif', 'Farah', 'Gustavo', 'Hana', 'Idris', 'Jun', 'Karim', 'Lina', 'Mateo', 'Nour', 'Omar', 'Priya'];
const LAST = ['Martin', 'Haddad', 'Kowalski', 'Nakamura', 'Okafor', 'Rossi', 'Silva', 'Yilmaz', 'Schmidt', 'Dubois', 'Ahmed', 'Larsen'];
const CITIES = ['Brussels', 'Casablanca', 'Dubai', 'Lyon', 'Riyadh', 'Porto', 'Austin', 'Cairo', 'Ghent', 'Tunis'];
const PRODUCTS = ['Desk', 'Chair', 'Lamp', 'Cabinet', 'Shelf', 'Table', 'Stool', 'Drawer', 'Monitor Stand', 'Whiteboard'];
const ADJECTIVES = ['Oak', 'Steel', 'Compact', 'Deluxe', 'Ergonomic', 'Walnut', 'Modular', 'Classic'];
const JOBS = ['Consultant', 'Developer', 'Accountant', 'Sales Manager', 'Warehouse Operator', 'Designer'];
const ACTIVE_MODELS = new Set(['res.partner', 'product.template', 'account.journal', 'hr.employee']);

type Operation = Omit<TrafficOperation, 'sequence' | 'database'>;

/** The traffic generator of a simulator: the same operation mix on each target database, one random stream each. */
export class Traffic implements TrafficGenerator {
  private count = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly listeners = new Set<(operation: TrafficOperation) => void>();
  private readonly drivers = new Map<Database, Driver>();

  /** @param targets the databases to drive (the first one keeps the stream a single target had) */
  constructor(
    private readonly targets: () => Database | undefined | readonly Database[],
    private readonly seed: number,
  ) {}

  private driversNow(): Driver[] {
    const found = this.targets();
    const databases = Array.isArray(found) ? (found as readonly Database[]) : found ? [found as Database] : [];
    return databases.map((db, index) => {
      let driver = this.drivers.get(db);
      if (!driver) {
        const random = index === 0 ? new Random(this.seed * 7919 + 17) : new Random(hashString(`${db.name}:${index}:traffic:${this.seed}`));
        driver = new Driver(db, random);
        this.drivers.set(db, driver);
      }
      return driver;
    });
  }

  get operations(): number {
    return this.count;
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  onOperation(listener: (operation: TrafficOperation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(rate: number): void {
    this.stop();
    if (!(rate > 0)) return;
    const started = Date.now();
    let applied = 0;
    const tick = Math.max(10, Math.min(250, 1000 / rate));
    this.timer = setInterval(() => {
      const due = Math.floor(((Date.now() - started) / 1000) * rate) - applied;
      // Never apply more than a second's worth at once (after a pause, catch up gently).
      const now = Math.min(due, Math.max(1, Math.ceil(rate)));
      if (now > 0) {
        applied += due;
        this.step(now);
      }
    }, tick);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Applies `count` operations to each target database (in turn); returns them all. */
  step(count = 1): TrafficOperation[] {
    const drivers = this.driversNow();
    const done: TrafficOperation[] = [];
    for (let i = 0; i < count; i++) {
      for (const driver of drivers) {
        const operation = driver.applyOne();
        this.count++;
        const applied = { ...operation, sequence: this.count, database: driver.db.name };
        done.push(applied);
        for (const listener of this.listeners) listener(applied);
      }
    }
    return done;
  }
}

/** Synthetic operations on one database, from one random stream. */
class Driver {
  constructor(
    readonly db: Database,
    private readonly random: Random,
  ) {}

  private pickId(model: string, predicate?: (id: number) => boolean): number | undefined {
    const ids = this.db.recordIds(model).filter((id) => !predicate || predicate(id));
    return ids.length ? this.random.pick(ids) : undefined;
  }

  private person(): string {
    return `${this.random.pick(FIRST)} ${this.random.pick(LAST)}`;
  }

  private createValues(model: string): Record<string, unknown> {
    const db = this.db;
    const r = this.random;
    const company = (): number | false => this.pickId('res.partner', (id) => id >= 10 && db.table('res.partner').get(id)?.is_company === true) ?? false;
    switch (model) {
      case 'res.partner': {
        const isCompany = r.next() < 0.15;
        const name = isCompany ? `${r.pick(LAST)} ${r.pick(['Trading', 'Logistics', 'Interiors', 'Group'])}` : this.person();
        return {
          name,
          is_company: isCompany,
          parent_id: isCompany ? false : r.next() < 0.6 ? company() : false,
          email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.com`,
          phone: `+32 4${r.integer(10, 99)} ${r.integer(10, 99)} ${r.integer(10, 99)} ${r.integer(10, 99)}`,
          city: r.pick(CITIES),
        };
      }
      case 'product.template':
        return { name: `${r.pick(ADJECTIVES)} ${r.pick(PRODUCTS)}`, list_price: r.integer(10, 2000), default_code: `TR_${r.integer(1000, 9999)}` };
      case 'product.category':
        return { name: `${r.pick(ADJECTIVES)} ${r.pick(PRODUCTS)}s`, parent_id: r.pick([1, 2]) };
      case 'sale.order':
        return { partner_id: company() || 10, amount_total: r.integer(50, 9000) };
      case 'purchase.order':
        return { partner_id: company() || 15, amount_total: r.integer(50, 5000) };
      case 'account.move':
        return { move_type: r.pick(['out_invoice', 'in_invoice', 'entry']), partner_id: company(), amount_total: r.integer(20, 5000), journal_id: r.pick([1, 2, 3]) };
      case 'account.journal': {
        const number = r.integer(2, 99);
        return { name: `Bank ${number}`, code: `BNK${number}`, type: 'bank' };
      }
      case 'hr.expense':
        return { name: r.pick(['Taxi', 'Hotel', 'Train ticket', 'Lunch with customer', 'Parking']), employee_id: this.pickId('hr.employee') ?? 1, total_amount: r.integer(5, 900) };
      case 'stock.picking':
        return { partner_id: company(), origin: false };
      case 'hr.employee':
        return { name: this.person(), job_title: r.pick(JOBS) };
      default:
        return {};
    }
  }

  private writeValues(model: string): Record<string, unknown> {
    const r = this.random;
    switch (model) {
      case 'res.partner':
        return r.pick([{ phone: `+32 470 ${r.integer(100000, 999999)}` }, { email: `contact${r.integer(1, 9999)}@example.com` }, { city: r.pick(CITIES) }, { street: `${r.integer(1, 300)} Rue Neuve` }]);
      case 'product.template':
        return { list_price: r.integer(10, 2500) };
      case 'product.category':
        return { name: `${r.pick(ADJECTIVES)} ${r.pick(PRODUCTS)}s` };
      case 'sale.order':
        return r.pick([{ client_order_ref: `PO-${r.integer(1000, 9999)}` }, { user_id: r.pick([2, 6]) }]);
      case 'purchase.order':
        return r.pick([{ partner_ref: `REF-${r.integer(1000, 9999)}` }, { amount_total: r.integer(50, 5000) }]);
      case 'account.move':
        return { amount_total: r.integer(20, 5000) };
      case 'account.journal':
        return { sequence: r.integer(1, 20) };
      case 'hr.expense':
        return { total_amount: r.integer(5, 900) };
      case 'stock.picking':
        return { origin: `S${String(r.integer(1, 99)).padStart(5, '0')}` };
      case 'hr.employee':
        return r.pick([{ job_title: r.pick(JOBS) }, { work_phone: `(555)-${r.integer(1000, 9999)}` }]);
      default:
        return {};
    }
  }

  applyOne(): Operation {
    const db = this.db;
    const r = this.random;
    const model = r.pick(TRACKED_MODELS);
    const roll = r.next();
    // Demo is an ordinary employee; journals are configuration only admins may change.
    const uid = model === 'account.journal' || r.next() < 0.8 ? 2 : 6;
    const write = (): Operation => {
      const id = this.pickId(model);
      if (id === undefined) return create();
      db.writeAs(uid, model, [id], this.writeValues(model));
      return { kind: 'write', model, recordIds: [id], uid };
    };
    const create = (): Operation => {
      const ids = db.createAs(uid, model, [this.createValues(model)]);
      return { kind: 'create', model, recordIds: ids, uid };
    };
    try {
      if (roll < 0.3) return create();
      if (roll < 0.75) return write();
      if (roll < 0.85) {
        // Delete something the traffic created itself (demo records are referenced all over).
        const id = this.pickId(model, (candidate) => candidate > (db.demoMaxId.get(model) ?? 0));
        if (id === undefined) return create();
        db.unlinkAs(uid, model, [id]);
        return { kind: 'unlink', model, recordIds: [id], uid };
      }
      if (roll < 0.95 && ACTIVE_MODELS.has(model)) {
        const id = this.pickId(model, (candidate) => model !== 'res.partner' || candidate >= 10);
        if (id === undefined) return write();
        const active = db.table(model).get(id)?.active === true;
        db.writeAs(uid, model, [id], { active: !active });
        return { kind: active ? 'archive' : 'unarchive', model, recordIds: [id], uid };
      }
      if (model === 'sale.order') {
        const id = this.pickId(model, (candidate) => db.table(model).get(candidate)?.state === 'draft');
        if (id !== undefined) {
          db.confirmSaleOrders(uid, [id]);
          return { kind: 'confirm', model, recordIds: [id], uid };
        }
      }
      return write();
    } catch (error) {
      // A refused deletion (record still referenced) becomes a write, like a user trying something else.
      if (error instanceof OdooException) return write();
      throw error;
    }
  }
}
