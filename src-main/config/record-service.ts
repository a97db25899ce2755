/**
 * Facts about Odoo records for the details drawer ({@link IRecordService}): the record's name and
 * whether it still exists, read with `read(model, [id], ['display_name'])` (Odoo answers `[]` for a
 * deleted record), and whether its server hosts several databases (links then carry `?db=`). Answers are
 * cached, so flipping between rows asks each record once; failures are cached too, and a refused login
 * is never tried again from here (each try would be a "Login failed" line in Odoo's log).
 */
import { isLoginRefusal, toOcmError } from '../common/errors';
import type { InstanceId } from '../common/model';
import type { IRecordService, RecordFacts } from '../common/services';
import type { OdooClient } from '../odoo/types';

/** What the record service needs: a logged-in client per instance, and how many databases a server hosts. */
export interface RecordServicePorts {
  clientFor(instanceId: InstanceId): Promise<Pick<OdooClient, 'read'>>;
  /** How many databases the instance's server lists; undefined when it does not say (listing disabled). */
  databaseCount(instanceId: InstanceId): Promise<number | undefined>;
  /** False while the instance's login is known to be refused (the sync engine waits for a new password): no login is tried. */
  mayLogIn?(instanceId: InstanceId): boolean;
  now?: () => number;
}

/** How long a record's facts are reused (names change rarely; a deletion shows in the mirror meanwhile). */
const FACTS_TTL_MS = 5 * 60_000;
/** How long a server that could not answer is left alone. */
const FAILURE_TTL_MS = 30_000;
/** How long a refused login is left alone: until the password changes, the engine will not log in either. */
const REFUSED_TTL_MS = 10 * 60_000;
/** Records kept in the cache at most (oldest dropped first). */
const MAX_CACHED = 2000;

/** {@link IRecordService} over a client pool. */
export class RecordService implements IRecordService {
  readonly #ports: RecordServicePorts;
  readonly #facts = new Map<string, { at: number; facts: Promise<RecordFacts> }>();
  readonly #databases = new Map<InstanceId, { at: number; single: Promise<boolean | undefined> }>();
  /** Instances whose server could not be asked, until when. */
  readonly #resting = new Map<InstanceId, number>();

  constructor(ports: RecordServicePorts) {
    this.#ports = ports;
  }

  async describe(instanceId: InstanceId, model: string, recordId: number): Promise<RecordFacts> {
    const now = this.#now();
    if ((this.#resting.get(instanceId) ?? 0) > now || this.#ports.mayLogIn?.(instanceId) === false) return {};
    const key = `${instanceId}\u0000${model}\u0000${recordId}`;
    const cached = this.#facts.get(key);
    if (cached && now - cached.at < FACTS_TTL_MS) return cached.facts;
    const facts = this.#ask(instanceId, model, recordId);
    this.#facts.delete(key);
    this.#facts.set(key, { at: now, facts });
    if (this.#facts.size > MAX_CACHED) this.#facts.delete(this.#facts.keys().next().value!);
    return facts;
  }

  async #ask(instanceId: InstanceId, model: string, recordId: number): Promise<RecordFacts> {
    const [record, singleDatabase] = await Promise.all([this.#record(instanceId, model, recordId), this.#singleDatabase(instanceId)]);
    const facts: RecordFacts = { ...record };
    if (singleDatabase !== undefined) facts.singleDatabase = singleDatabase;
    return facts;
  }

  async #record(instanceId: InstanceId, model: string, recordId: number): Promise<Pick<RecordFacts, 'displayName' | 'exists'>> {
    try {
      const client = await this.#ports.clientFor(instanceId);
      const [record] = await client.read(model, [recordId], ['display_name']);
      if (!record) return { exists: false };
      return typeof record.display_name === 'string' ? { exists: true, displayName: record.display_name } : { exists: true };
    } catch (error) {
      const failure = toOcmError(error);
      // Not readable by this login, or the model is gone: nothing more to say, and nothing to wait for.
      if (failure.code === 'access-error' || failure.code === 'model-missing') return {};
      // A missing record is a MissingError on some versions.
      if (failure.code === 'user-error' && /not exist|has been deleted|MissingError/i.test(`${failure.message} ${failure.detail ?? ''}`)) return { exists: false };
      this.#rest(instanceId, isLoginRefusal(failure.code) ? REFUSED_TTL_MS : FAILURE_TTL_MS);
      return {};
    }
  }

  #singleDatabase(instanceId: InstanceId): Promise<boolean | undefined> {
    const now = this.#now();
    const cached = this.#databases.get(instanceId);
    if (cached && now - cached.at < FACTS_TTL_MS) return cached.single;
    const single = this.#ports.databaseCount(instanceId).then(
      (count) => (count === undefined ? undefined : count === 1),
      () => undefined,
    );
    this.#databases.set(instanceId, { at: now, single });
    return single;
  }

  #rest(instanceId: InstanceId, forMs: number): void {
    this.#resting.set(instanceId, this.#now() + forMs);
    for (const key of [...this.#facts.keys()]) if (key.startsWith(`${instanceId}\u0000`)) this.#facts.delete(key);
  }

  #now(): number {
    return (this.#ports.now ?? Date.now)();
  }
}
