/** An in-memory OdooClient for admin logic tests: a change log, records per model, rights and faults. */
import { OcmError } from '../../../src-main/common/errors';
import type { ChangeEvent } from '../../../src-main/common/model';
import type { CallOptions, Domain, OdooClient, OdooRecord, OdooValue, SearchReadOptions } from '../../../src-main/odoo/types';

/** One recorded request. */
export interface FakeCall {
  model: string;
  method: string;
  ids?: number[];
  context?: Record<string, OdooValue>;
}

/** A record of a tracked model. */
interface FakeRecord {
  active: boolean;
}

export class FakeOdooClient implements OdooClient {
  readonly url = 'http://fake.test';
  readonly db = 'fake';
  readonly uid = 2;
  readonly transport = 'xmlrpc' as const;
  readonly calls: FakeCall[] = [];
  readonly log = new Map<number, { model: string; record_id: number; event: ChangeEvent }>();
  readonly records = new Map<string, Map<number, FakeRecord>>();
  /** Models that do not exist on this server (Fault 2). */
  readonly missingModels = new Set<string>();
  /** Models this user may not read (Fault 4). */
  readonly unreadableModels = new Set<string>();
  mayDelete = true;
  /** Called before each unlink; throw from it to simulate a failure. */
  beforeUnlink: (ids: number[], count: number) => void | Promise<void> = () => {};
  private unlinkCount = 0;

  addRecord(model: string, id: number, active = true): void {
    let table = this.records.get(model);
    if (!table) this.records.set(model, (table = new Map()));
    table.set(id, { active });
  }

  addLogRow(id: number, model: string, recordId: number, event: ChangeEvent): void {
    this.log.set(id, { model, record_id: recordId, event });
  }

  calledMethods(method: string): FakeCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  async executeKw(): Promise<OdooValue> {
    throw new Error('not used');
  }

  async search(model: string, domain: Domain, options: Omit<SearchReadOptions, 'fields'> = {}, call?: CallOptions): Promise<number[]> {
    abortCheck(call);
    const ids = idsIn(domain);
    this.calls.push({ model, method: 'search', ids, context: options.context });
    if (model === 'update.webhook') return ids.filter((id) => this.log.has(id));
    if (this.missingModels.has(model)) throw new OcmError('model-missing', `Object ${model} doesn't exist`);
    if (this.unreadableModels.has(model)) throw new OcmError('access-error', `You are not allowed to access '${model}' records.`);
    const table = this.records.get(model) ?? new Map<number, FakeRecord>();
    const withArchived = options.context?.active_test === false;
    return ids.filter((id) => table.has(id) && (withArchived || table.get(id)!.active));
  }

  async searchRead(model: string, domain: Domain, options: SearchReadOptions = {}, call?: CallOptions): Promise<OdooRecord[]> {
    abortCheck(call);
    this.calls.push({ model, method: 'search_read' });
    if (model !== 'update.webhook') throw new Error('fake reads only the log');
    let rows = [...this.log.entries()].sort(([a], [b]) => a - b).map(([id, row]) => ({ id, ...row }) as OdooRecord);
    for (const term of domain) {
      if (!Array.isArray(term)) continue;
      const [field, operator, value] = term;
      rows = rows.filter((row) => {
        const actual = row[field];
        if (operator === '>') return (actual as number) > (value as number);
        if (operator === '!=') return actual !== value;
        if (operator === 'in') return (value as OdooValue[]).includes(actual);
        throw new Error(`fake does not know ${operator}`);
      });
    }
    return options.limit ? rows.slice(0, options.limit) : rows;
  }

  async unlink(model: string, ids: number[], call?: CallOptions): Promise<boolean> {
    abortCheck(call);
    this.calls.push({ model, method: 'unlink', ids });
    await this.beforeUnlink(ids, ++this.unlinkCount);
    for (const id of ids) {
      if (!this.log.has(id)) throw new OcmError('user-error', 'Record does not exist or has been deleted.');
    }
    for (const id of ids) this.log.delete(id);
    return true;
  }

  async checkAccessRights(model: string, operation: string): Promise<boolean> {
    this.calls.push({ model, method: 'check_access_rights' });
    return operation === 'unlink' ? this.mayDelete : true;
  }

  async searchCount(): Promise<number> {
    throw new Error('not used');
  }
  async read(): Promise<OdooRecord[]> {
    throw new Error('not used');
  }
  async fieldsGet(): Promise<Record<string, Record<string, OdooValue>>> {
    throw new Error('not used');
  }
  async readGroup(): Promise<never[]> {
    throw new Error('not used');
  }
  pages(): AsyncIterable<OdooRecord[]> {
    throw new Error('not used');
  }
  close(): void {}
}

function idsIn(domain: Domain): number[] {
  for (const term of domain) {
    if (Array.isArray(term) && term[0] === 'id' && term[1] === 'in') return term[2] as number[];
  }
  throw new Error('fake search expects an id-in domain');
}

function abortCheck(call: CallOptions | undefined): void {
  if (call?.signal?.aborted) throw new OcmError('cancelled', 'The request was cancelled.');
}
