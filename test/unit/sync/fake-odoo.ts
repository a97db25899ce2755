/** An in-memory OdooClient over one update.webhook table, enough for the sync engine's calls. */
import { OcmError } from '../../../src-main/common/errors';
import { keysetPages } from '../../../src-main/odoo/paging';
import type { Domain, KeysetPageOptions, OdooClient, OdooRecord, OdooValue } from '../../../src-main/odoo/types';
import type { Capabilities } from '../../../src-main/common/model';

/** A server row as the fake keeps it. */
export interface FakeRow extends OdooRecord {
  model: string;
  record_id: number;
  event: string;
  timestamp: string;
}

export class FakeOdoo {
  rows = new Map<number, FakeRow>();
  errors = new Map<number, OdooRecord>();
  nextId = 1;
  requests = 0;
  /** Throws this on the next call (then clears it). */
  failNext?: OcmError;
  /** read_group answers a server error (servers without it). */
  refuseReadGroup = false;
  /** The transport the client reports (xmlrpc limits sums to 32-bit). */
  transport: 'xmlrpc' | 'jsonrpc' = 'jsonrpc';
  /** Throws this on every call while set. */
  failAll?: OcmError;

  add(count: number, start = Date.UTC(2026, 10, 1) / 1000): FakeRow[] {
    const added: FakeRow[] = [];
    for (let i = 0; i < count; i++) {
      const id = this.nextId++;
      const ts = new Date((start + ((id * 7919) % 86_400)) * 1000).toISOString().slice(0, 19).replace('T', ' ');
      const row: FakeRow = { id, model: 'res.partner', record_id: id, event: ['create', 'write', 'unlink'][id % 3], timestamp: ts };
      this.rows.set(id, row);
      added.push(row);
    }
    return added;
  }

  remove(ids: Iterable<number>): void {
    for (const id of ids) this.rows.delete(id);
  }

  /** Wipes the log and restarts ids at 1, like a module reinstall. */
  reset(): void {
    this.rows.clear();
    this.nextId = 1;
  }

  private gate(): void {
    this.requests++;
    if (this.failAll) throw this.failAll;
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = undefined;
      throw error;
    }
  }

  private table(model: string): Map<number, OdooRecord> {
    if (model === 'update.webhook') return this.rows;
    if (model === 'webhook.errors') return this.errors;
    throw new OcmError('model-missing', `Object ${model} doesn't exist`);
  }

  private match(model: string, domain: Domain): OdooRecord[] {
    const out: OdooRecord[] = [];
    for (const row of this.table(model).values()) {
      if (domain.every((term) => typeof term === 'string' || test(row[term[0]], term[1], term[2]))) out.push(row);
    }
    return out;
  }

  private select(model: string, domain: Domain, options: { offset?: number; limit?: number; order?: string } = {}): OdooRecord[] {
    const rows = this.match(model, domain).sort((a, b) => (options.order === 'id desc' ? b.id - a.id : a.id - b.id));
    return rows.slice(options.offset ?? 0, options.limit ? (options.offset ?? 0) + options.limit : undefined).map((row) => ({ ...row }));
  }

  /** `read_group(domain, fields, groupby, lazy=False)` without grouping: `__count` and `alias:sum(field)`s. */
  readGroup(model: string, domain: Domain, fields: string[], groupby: string[]): (Record<string, OdooValue> & { __count: number })[] {
    if (this.refuseReadGroup) throw new OcmError('server-error', 'read_group refused');
    if (groupby.length > 0) throw new Error('grouping is not supported by the fake');
    const rows = this.match(model, domain);
    const out: Record<string, OdooValue> & { __count: number } = { __count: rows.length };
    for (const spec of fields) {
      const [, alias, field] = /^(\w+):sum\((\w+)\)$/.exec(spec) ?? [];
      if (!alias) throw new Error(`aggregate ${spec} is not supported by the fake`);
      const sum = rows.reduce((total, row) => total + (row[field] as number), 0);
      // XML-RPC cannot marshal an int above 2^31-1: Odoo answers a fault (OverflowError).
      if (this.transport === 'xmlrpc' && sum > 2 ** 31 - 1) throw new OcmError('server-error', 'OverflowError: int exceeds XML-RPC limits');
      out[alias] = sum;
    }
    return [out];
  }

  /** Our addon's `digest(ranges)`: `[count, id sum, record id sum]` per range. */
  digest(ranges: [number, number][]): [number, number, number][] {
    return ranges.map(([from, to]) => {
      const rows = [...this.rows.values()].filter((row) => row.id >= from && row.id <= to);
      return [rows.length, rows.reduce((sum, row) => sum + row.id, 0), rows.reduce((sum, row) => sum + row.record_id, 0)];
    });
  }

  client(): OdooClient {
    const fake = this;
    return {
      url: 'http://fake',
      db: 'fake',
      uid: 2,
      transport: fake.transport,
      async executeKw(model, method, args) {
        fake.gate();
        if (method === 'read_group') return fake.readGroup(model, args[0] as Domain, args[1] as string[], args[2] as string[]);
        if (method === 'digest') return fake.digest(args[0] as [number, number][]);
        throw new OcmError('server-error', `AttributeError: The method '${model}.${method}' does not exist`);
      },
      async search(model, domain, options) {
        fake.gate();
        return fake.select(model, domain, options).map((row) => row.id);
      },
      async searchRead(model, domain, options) {
        fake.gate();
        return fake.select(model, domain, options);
      },
      async searchCount(model, domain) {
        fake.gate();
        return fake.match(model, domain).length;
      },
      async read(model, ids) {
        fake.gate();
        return fake.select(model, [['id', 'in', ids]]);
      },
      async unlink(_model, ids) {
        fake.gate();
        fake.remove(ids);
        return true;
      },
      async fieldsGet() {
        fake.gate();
        return {};
      },
      async readGroup(model, domain, fields, groupby) {
        fake.gate();
        return fake.readGroup(model, domain, fields, groupby);
      },
      async checkAccessRights() {
        fake.gate();
        return true;
      },
      // The real pager over this client (`this`, so a test that replaces searchRead on a copy is honoured).
      pages(this: OdooClient, model: string, options: KeysetPageOptions): AsyncIterable<OdooRecord[]> {
        return keysetPages(this, model, options);
      },
      close() {},
    };
  }
}

function test(value: OdooValue | undefined, operator: string, expected: OdooValue): boolean {
  switch (operator) {
    case '=':
      return value === expected;
    case '>':
      return (value as number) > (expected as number);
    case '>=':
      return (value as number) >= (expected as number);
    case '<':
      return (value as number) < (expected as number);
    case '<=':
      return (value as number) <= (expected as number);
    case 'in':
      return (expected as OdooValue[]).includes(value as OdooValue);
    default:
      throw new Error(`operator ${operator} not supported by the fake`);
  }
}

/** Capabilities of the original module (or our addon with `rich`). */
export function fakeCapabilities(options: { rich?: boolean; errorLog?: Capabilities['errorLog'] } = {}): Capabilities {
  return {
    version: { serverVersion: '18.0-20250421', serverSerie: '18.0', major: 18, protocolVersion: 1 },
    uid: 2,
    changeLogInstalled: true,
    changeLogFields: ['event', 'id', 'model', 'record_id', 'timestamp', ...(options.rich ? ['change_count'] : [])],
    richFields: options.rich ? ['change_count'] : [],
    errorLog: options.errorLog ?? 'unreadable',
    canReadChanges: true,
    canDeleteChanges: true,
  };
}
