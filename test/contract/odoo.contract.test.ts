/**
 * The Odoo-facing contract, per Odoo version and module flavour and over every transport each offers
 * (target.ts: 17 and 18 with the original module over XML-RPC and JSON-RPC, 18 with our addon, 19 and
 * 20 with our addon over JSON-2, XML-RPC and JSON-RPC): what the app relies on from a server. Runs
 * against the simulator by default and against a real server with `ODOO_URL`, `ODOO_DB` and
 * `ODOO_LOGIN` + `ODOO_PASSWORD` and/or `ODOO_API_KEY` (see target.ts); where the two could differ, the
 * assertions follow what odoo-facts.md and the 19 recordings say the real server does.
 *
 * On a real server the suite creates only its own res.partner records (named "OCM contract …") and
 * removes them at the end together with the update.webhook rows they produced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectOdoo, fetchVersion } from '../../src-main/odoo/connection';
import { ERROR_LOG_ACCESS_ADVICE } from '../../src-main/odoo/log-models';
import { connectJson2, type Json2Connection } from '../../src-main/odoo/json2-client';
import { MAX_LIMIT_FACTOR } from '../../src-main/odoo/paging';
import { createTransport } from '../../src-main/odoo/transport';
import type { Domain, OdooClient, OdooRecord } from '../../src-main/odoo/types';
import { versionProfile } from '../../src-main/simulator/index';
import { failure } from '../unit/odoo/servers';
import { absentDatabase, absentModel, CONTRACT_SERVERS, onRealServer, openTarget, simulatorOnly, transportSkipReason, uniqueTag, type ContractTarget } from './target';
import type { TransportKind } from '../../src-main/common/model';

const logFields = ['model', 'record_id', 'event', 'timestamp'];

describe.each(CONTRACT_SERVERS)('$name', (server) => {
  let target: ContractTarget;
  beforeAll(async () => {
    target = await openTarget(server);
  });
  afterAll(() => target?.close());

  describe.each(server.transports.map((kind) => [kind, transportSkipReason(kind)] as const))('Odoo contract over %s%s', (kind: TransportKind, skipped) => {
    let client: OdooClient;
    /** Every res.partner this suite created, removed (with their log rows) in afterAll. */
    const createdPartners = new Set<number>();
    const json2 = kind === 'json2';

    beforeAll(async () => {
      if (!skipped) client = await target.connect(kind);
    });

    afterAll(async () => {
      if (!client) return;
      const ids = [...createdPartners];
      if (ids.length) {
        const existing = await client.search('res.partner', [['id', 'in', ids]], { context: { active_test: false } });
        if (existing.length) await client.unlink('res.partner', existing);
        const logRows = await client.search('update.webhook', [['model', '=', 'res.partner'], ['record_id', 'in', ids]]);
        if (logRows.length) await client.unlink('update.webhook', logRows);
        expect(await client.searchCount('update.webhook', [['model', '=', 'res.partner'], ['record_id', 'in', ids]])).toBe(0);
      }
      client.close();
    });

    // A transport without credentials on the real server: the titles say why nothing runs.
    if (skipped) {
      it.skip('runs when its credentials are given', () => undefined);
      return;
    }

    async function createPartners(values: Record<string, string | number | boolean>[]): Promise<number[]> {
      const result = await client.executeKw('res.partner', 'create', [values]);
      const ids = Array.isArray(result) ? (result as number[]) : [result as number];
      for (const id of ids) createdPartners.add(id);
      expect(ids).toHaveLength(values.length);
      return ids;
    }

    const partnerLog = (ids: number[]) => client.searchRead('update.webhook', [['model', '=', 'res.partner'], ['record_id', 'in', ids]], { fields: logFields, order: 'id asc' });

    describe('version and login', () => {
      it('answers the version without credentials', async () => {
        const version = await fetchVersion({ url: target.url, transport: kind });
        expect(version.major).toBe(target.major);
        expect(version.serverVersion.startsWith(version.serverSerie)).toBe(true);
        if (server.odoo) {
          const profile = versionProfile(server.odoo);
          expect(version).toEqual({ serverVersion: profile.serverVersion, serverSerie: profile.serie, major: server.odoo, protocolVersion: 1 });
        }
      });

      it('logs in to a uid', async () => {
        expect(client.uid).toBeGreaterThan(0);
        if (!onRealServer) expect(client.uid).toBe(2);
        expect(client.db).toBe(target.db);
        expect(client.transport).toBe(kind);
      });

      it('refuses a wrong secret: a wrong password is auth-failed, a wrong API key access-denied with how to make one', async () => {
        const wrong = json2 ? '0'.repeat(40) : `${target.secret(kind)}-wrong`;
        const error = await failure(connectOdoo({ url: target.url, db: target.db, login: target.login, secret: wrong, transport: kind }));
        if (json2) {
          expect(error.code).toBe('access-denied');
          expect(error.hint).toMatch(/Preferences → Account Security → New API Key/);
        } else {
          expect(error.code).toBe('auth-failed');
          expect(error.message).toBe(`Wrong login or password for ${target.login} on database ${target.db} at ${client.url}.`);
        }
      });

      it('answers an unknown database with database-missing', async () => {
        const error = await failure(connectOdoo({ url: target.url, db: absentDatabase, login: target.login, secret: target.secret(kind), transport: kind }));
        expect(error.code).toBe('database-missing');
        expect(error.message).toContain(absentDatabase);
        if (!json2) expect(error.message).toBe(`database "${absentDatabase}" does not exist on ${client.url}`);
      });
    });

    describe('faults', () => {
      it('refuses a wrong secret on a call with access-denied', async (context) => {
        context.skip(json2, 'JSON-2 sends the key on every call: the login test above is the same request');
        const transport = createTransport(kind as 'xmlrpc' | 'jsonrpc', { url: target.url });
        const error = await failure(transport.call('object', 'execute_kw', [target.db, client.uid, `${target.secret(kind)}-wrong`, 'update.webhook', 'search_count', [[]], {}]));
        transport.close();
        expect(error.code).toBe('access-denied');
        expect(error.message).toBe(`Odoo refused the login or password for database ${target.db} on ${client.url}.`);
      });

      it('reports a model that does not exist as model-missing', async () => {
        const error = await failure(client.searchCount(absentModel, []));
        expect(error.code).toBe('model-missing');
        expect(error.message).toBe(`Model ${absentModel} does not exist on database ${target.db} at ${client.url}.`);
      });

      it(`reports the module missing on a database without it${simulatorOnly}`, async (context) => {
        context.skip(onRealServer, 'needs a second database without the module');
        const plain = await target.connect(kind, { db: 'plain' });
        const error = await failure(plain.searchCount('update.webhook', []));
        plain.close();
        expect(error.code).toBe('model-missing');
        expect(error.message).toBe(`The auto_webhook module is not installed on database plain at ${client.url} (model update.webhook is missing).`);
      });

      it('refuses to read webhook.errors with the original module, and lets our addon read it', async () => {
        const readable = await client.search('webhook.errors', [], { limit: 1 }).then(
          () => true,
          () => false,
        );
        if (server.flavour === 'fixed' || (onRealServer && readable)) {
          expect(readable).toBe(true);
          return;
        }
        const error = await failure(client.searchRead('webhook.errors', [], { fields: ['model', 'record_id', 'error_message', 'timestamp'] }));
        expect(error.code).toBe('access-error');
        expect(error.message).toBe(
          "You are not allowed to access 'Log errors occurring in webhook tracking' (webhook.errors) records.\n\nNo group currently allows this operation.\n\nContact your administrator to request access if necessary.",
        );
        expect(error.hint).toBe(ERROR_LOG_ACCESS_ADVICE);
      });

      it('refuses private methods (access-error)', async () => {
        // JSON-2 takes named arguments only (execute_kw's positional ones cannot be named for an unknown method).
        const error = await failure(json2 ? (client as unknown as Json2Connection).call('res.partner', '_log_webhook_event', { ids: [1], event: 'write' }) : client.executeKw('res.partner', '_log_webhook_event', [[1], 'write']));
        expect(error.code).toBe('access-error');
        expect(error.message).toBe("Private methods (such as 'res.partner._log_webhook_event') cannot be called remotely.");
      });

      it('reports a domain on an unknown field as server-error with the traceback', async () => {
        const error = await failure(client.searchCount('update.webhook', [['nosuchfield', '=', 1]]));
        expect(error.code).toBe('server-error');
        expect(error.message).toContain("ValueError: Invalid field update.webhook.nosuchfield in leaf ('nosuchfield', '=', 1)");
        expect(error.detail).toMatch(/^Traceback \(most recent call last\):/);
      });
    });

    describe('domains', () => {
      const tag = uniqueTag(`OCM contract ${kind}`);
      let ids: number[] = [];
      const scope: Domain = [['name', '=like', `${tag} %`]];
      /** Which of the five partners (by index) match `domain` within this test's scope. */
      const matching = async (domain: Domain, context?: Record<string, boolean>) => {
        const found = await client.search('res.partner', [...scope, ...domain], { order: 'id asc', context });
        return found.map((id) => ids.indexOf(id));
      };

      beforeAll(async () => {
        ids = await createPartners([
          { name: `${tag} Alpha`, customer_rank: 0, city: 'Cairo' },
          { name: `${tag} alphabet`, customer_rank: 1, city: 'Cairo' },
          { name: `${tag} Beta`, customer_rank: 2, city: 'Dubai' },
          { name: `${tag} gamma`, customer_rank: 3, city: 'Dubai' },
          { name: `${tag} Delta`, customer_rank: 4, city: 'Riyadh' },
        ]);
      });

      it('compares with = != < <= > >=', async () => {
        expect(await matching([['customer_rank', '=', 2]])).toEqual([2]);
        expect(await matching([['customer_rank', '!=', 2]])).toEqual([0, 1, 3, 4]);
        expect(await matching([['customer_rank', '<', 2]])).toEqual([0, 1]);
        expect(await matching([['customer_rank', '<=', 2]])).toEqual([0, 1, 2]);
        expect(await matching([['customer_rank', '>', 2]])).toEqual([3, 4]);
        expect(await matching([['customer_rank', '>=', 2]])).toEqual([2, 3, 4]);
      });

      it('matches in and not in', async () => {
        expect(await matching([['customer_rank', 'in', [1, 3]]])).toEqual([1, 3]);
        expect(await matching([['customer_rank', 'not in', [1, 3]]])).toEqual([0, 2, 4]);
        expect(await matching([['id', 'in', [ids[4], ids[0]]]])).toEqual([0, 4]);
      });

      it('matches like (case-sensitive), ilike, =like and =ilike', async () => {
        expect(await matching([['name', 'like', 'Alpha']])).toEqual([0]);
        expect(await matching([['name', 'ilike', 'ALPHA']])).toEqual([0, 1]);
        expect(await matching([['name', '=like', `${tag} _eta`]])).toEqual([2]);
        expect(await matching([['name', '=ilike', `${tag.toUpperCase()} BETA`]])).toEqual([2]);
        expect(await matching([['name', '=like', `${tag} beta`]])).toEqual([]);
      });

      it('combines with prefix & | !', async () => {
        expect(await matching(['|', ['customer_rank', '=', 0], ['customer_rank', '=', 4]])).toEqual([0, 4]);
        expect(await matching(['!', ['customer_rank', '<', 3]])).toEqual([3, 4]);
        expect(await matching(['&', ['city', '=', 'Cairo'], ['customer_rank', '>', 0]])).toEqual([1]);
        expect(await matching(['|', '&', ['city', '=', 'Dubai'], ['customer_rank', '=', 3], ['name', 'like', 'Alpha']])).toEqual([0, 3]);
      });

      it('hides archived records unless active_test is false', async () => {
        await client.executeKw('res.partner', 'write', [[ids[4]], { active: false }]);
        expect(await matching([])).toEqual([0, 1, 2, 3]);
        expect(await matching([], { active_test: false })).toEqual([0, 1, 2, 3, 4]);
        expect(await matching([['active', '=', false]], { active_test: false })).toEqual([4]);
      });
    });

    describe('reading update.webhook', () => {
      it('pages by id (keyset) to exactly the ids of one search, sequential and pipelined', async () => {
        const ids = await client.search('update.webhook', [], { order: 'id asc', limit: 600 });
        expect(ids.length).toBeGreaterThan(0);
        const upToId = ids[ids.length - 1];
        const pageSize = Math.max(3, Math.ceil(ids.length / 6));
        for (const pipelineDepth of [1, 3]) {
          const pages: OdooRecord[][] = [];
          for await (const page of client.pages('update.webhook', { pageSize, upToId, fields: logFields, pipelineDepth })) pages.push(page);
          expect(pages.flat().map((row) => row.id), `pipelineDepth ${pipelineDepth}`).toEqual(ids);
          expect(pages.every((page) => page.length <= pageSize * MAX_LIMIT_FACTOR)).toBe(true);
        }
      });

      it('returns rows with Odoo\'s value shapes', async () => {
        const [row] = await client.searchRead('update.webhook', [], { fields: [...logFields, 'create_uid'], limit: 1, order: 'id asc' });
        expect(typeof row.id).toBe('number');
        expect(typeof row.model).toBe('string');
        expect(typeof row.record_id).toBe('number');
        expect(['create', 'write', 'unlink']).toContain(row.event);
        expect(row.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
        expect(row.create_uid).toEqual([expect.any(Number), expect.any(String)]);
        const [read] = await client.read('update.webhook', [row.id], logFields);
        expect(read).toEqual({ id: row.id, model: row.model, record_id: row.record_id, event: row.event, timestamp: row.timestamp });
      });

      it('counts with search_count what search finds', async () => {
        const domain: Domain = [['event', 'in', ['create', 'unlink']]];
        expect(await client.searchCount('update.webhook', domain)).toBe((await client.search('update.webhook', domain)).length);
        expect(await client.searchCount('update.webhook', [['id', '<', 0]])).toBe(0);
      });

      it.each(['day', 'hour'] as const)('groups by timestamp:%s in read_group\'s shape (formatted_read_group on 19+)', async (granularity) => {
        const key = `timestamp:${granularity}`;
        const rows = await client.readGroup('update.webhook', [], ['id:count'], [key]);
        expect(rows.length).toBeGreaterThan(0);
        const total = rows.reduce((sum, row) => sum + row.__count, 0);
        expect(total).toBe(await client.searchCount('update.webhook', []));
        for (const row of rows) {
          expect(row[key]).toMatch(granularity === 'day' ? /^\d{2} \w{3} \d{4}$/ : /^\d{2}:00 \d{2} \w{3}$/);
          const range = (row.__range as Record<string, { from: string; to: string }>)[key];
          expect(range.from).toMatch(granularity === 'day' ? /^\d{4}-\d{2}-\d{2} 00:00:00$/ : /^\d{4}-\d{2}-\d{2} \d{2}:00:00$/);
          expect(row.__domain).toEqual(['&', ['timestamp', '>=', range.from], ['timestamp', '<', range.to]]);
        }
      });

      it('describes update.webhook with fields_get as the original module defines it (our addon adds fields)', async () => {
        const fields = await client.fieldsGet('update.webhook', ['string', 'type', 'required', 'readonly', 'selection']);
        expect(fields.model).toEqual({ string: 'Model', type: 'char', required: true, readonly: false });
        expect(fields.record_id).toEqual({ string: 'Record ID', type: 'integer', required: true, readonly: false });
        expect(fields.event).toEqual({
          string: 'Event',
          type: 'selection',
          required: true,
          readonly: false,
          selection: [
            ['create', 'Create'],
            ['write', 'Write'],
            ['unlink', 'Unlink'],
          ],
        });
        expect(fields.timestamp).toEqual({ string: 'Timestamp', type: 'datetime', required: true, readonly: true });
        for (const magic of ['id', 'display_name', 'create_uid', 'create_date', 'write_uid', 'write_date']) expect(fields).toHaveProperty(magic);
        if (server.flavour === 'original') expect(Object.keys(fields).sort()).toEqual(['create_date', 'create_uid', 'display_name', 'event', 'id', 'model', 'record_id', 'timestamp', 'write_date', 'write_uid']);
      });

      it('lets the user check read and unlink rights', async () => {
        expect(await client.checkAccessRights('update.webhook', 'read')).toBe(true);
        expect(await client.checkAccessRights('update.webhook', 'unlink')).toBe(true);
        expect(await client.checkAccessRights('update.webhook', 'create')).toBe(false);
      });
    });

    describe('update.webhook semantics of the original module', () => {
      const tag = uniqueTag(`OCM contract log ${kind}`);

      it('logs one create row, no row for later writes, one row for a multi-record create, and an unlink row beside the create row', async (context) => {
        const fields = await client.fieldsGet('update.webhook', ['type']);
        context.skip('change_count' in fields, 'this server runs a richer variant of the module, not the original');

        const [partner] = await createPartners([{ name: `${tag} single` }]);
        expect((await partnerLog([partner])).map((row) => [row.record_id, row.event])).toEqual([[partner, 'create']]);

        await client.executeKw('res.partner', 'write', [[partner], { name: `${tag} single renamed` }]);
        await client.executeKw('res.partner', 'write', [[partner], { city: 'Amman' }]);
        expect((await partnerLog([partner])).map((row) => [row.record_id, row.event])).toEqual([[partner, 'create']]);

        const three = await createPartners([{ name: `${tag} one` }, { name: `${tag} two` }, { name: `${tag} three` }]);
        const multiRows = await partnerLog(three);
        expect(multiRows).toHaveLength(1);
        expect(multiRows[0]).toMatchObject({ model: 'res.partner', record_id: three[0], event: 'create' });

        await client.unlink('res.partner', [partner]);
        const afterUnlink = await partnerLog([partner]);
        expect(afterUnlink.map((row) => row.event).sort()).toEqual(['create', 'unlink']);
        expect(afterUnlink.find((row) => row.event === 'unlink')!.id).toBeGreaterThan(afterUnlink.find((row) => row.event === 'create')!.id);
      });
    });

    describe('update.webhook semantics of our addon', () => {
      const tag = uniqueTag(`OCM contract addon ${kind}`);

      it('logs every record of a multi-record create, one write row refreshed with what changed, and an unlink row', async (context) => {
        const fields = await client.fieldsGet('update.webhook', ['type']);
        context.skip(!('change_count' in fields), 'this server runs the original module, not our addon');
        const rich = [...logFields, 'change_count', 'changed_values'];
        const log = (ids: number[]) => client.searchRead('update.webhook', [['model', '=', 'res.partner'], ['record_id', 'in', ids]], { fields: rich, order: 'id asc' });

        const three = await createPartners([{ name: `${tag} one` }, { name: `${tag} two` }, { name: `${tag} three` }]);
        expect((await log(three)).map((row) => [row.record_id, row.event])).toEqual(three.map((id) => [id, 'create']));

        const [partner] = three;
        await client.executeKw('res.partner', 'write', [[partner], { city: 'Amman' }]);
        await client.executeKw('res.partner', 'write', [[partner], { city: 'Irbid' }]);
        const writes = (await log([partner])).filter((row) => row.event === 'write');
        expect(writes).toHaveLength(1);
        expect(writes[0].change_count).toBe(2);
        expect(JSON.parse(String(writes[0].changed_values)).city).toMatchObject({ old: 'Amman', new: 'Irbid' });

        await client.unlink('res.partner', [partner]);
        expect((await log([partner])).map((row) => row.event)).toEqual(['create', 'write', 'unlink']);
      });
    });

    describe(`simulated failures${simulatorOnly}`, () => {
      it.skipIf(onRealServer)('turns an HTML 502 from a proxy into http-status', async () => {
        target.simulator!.faults.badGatewayNext(1);
        const error = await failure(client.searchCount('update.webhook', []));
        expect(error.code).toBe('http-status');
        expect(error.message).toMatch(/answered 502 Bad Gateway/);
        expect(await client.searchCount('update.webhook', [])).toBeGreaterThan(0);
      });

      it.skipIf(onRealServer)('turns a truncated answer into a protocol error', async () => {
        target.simulator!.faults.truncateNext(1);
        const error = await failure(client.searchRead('update.webhook', [], { fields: logFields }));
        expect(error.code).toBe('protocol');
        expect(error.message).toMatch(/cut off/);
      });

      it.skipIf(onRealServer)('turns a dropped connection into network-reset or a cut-off answer', async () => {
        target.simulator!.faults.dropNext(1);
        const error = await failure(client.searchRead('update.webhook', [], { fields: logFields }));
        expect(['network-reset', 'protocol']).toContain(error.code);
        expect(await client.searchCount('update.webhook', [])).toBeGreaterThan(0);
      });

      it.skipIf(onRealServer)('times out a slow answer after the call\'s timeout', async () => {
        target.simulator!.faults.setLatency(2000);
        try {
          const error = await failure(client.searchCount('update.webhook', [], undefined, { timeoutMs: 200 }));
          expect(error.code).toBe('timeout');
          expect(error.message).toMatch(/within 200 ms/);
        } finally {
          target.simulator!.faults.clear();
        }
      });

      it.skipIf(onRealServer)('reports a stopped server as network-refused', async () => {
        await target.simulator!.faults.stopListening();
        try {
          const error = await failure(fetchVersion({ url: target.url, transport: kind }));
          expect(error.code).toBe('network-refused');
        } finally {
          await target.simulator!.faults.resumeListening();
        }
        expect((await fetchVersion({ url: target.url, transport: kind })).major).toBe(target.major);
      });

      it.skipIf(onRealServer || json2)('refuses the old password after a password change mid-run (access-denied)', async () => {
        const database = target.simulator!.database('seed');
        const demo = await target.connect(kind, { login: 'demo' });
        expect(await demo.searchCount('update.webhook', [])).toBeGreaterThan(0);
        database.setPassword('demo', 'changed');
        try {
          const error = await failure(demo.searchCount('update.webhook', []));
          expect(error.code).toBe('access-denied');
        } finally {
          database.setPassword('demo', 'demo');
          demo.close();
        }
      });

      it.skipIf(onRealServer || json2)('authenticates with an API key instead of the password', async () => {
        const key = target.simulator!.database('seed').apiKey('admin');
        const viaKey = await connectOdoo({ url: target.url, db: 'seed', login: 'admin', secret: key, transport: kind });
        expect(viaKey.uid).toBe(2);
        viaKey.close();
      });

      it.skipIf(onRealServer)('gives an internal user read and delete rights on the log, and a portal user none', async () => {
        const demo = await target.connect(kind, { login: 'demo' });
        expect(demo.uid).toBe(6);
        expect(await demo.checkAccessRights('update.webhook', 'read')).toBe(true);
        expect(await demo.checkAccessRights('update.webhook', 'unlink')).toBe(true);
        demo.close();
        const portal = await target.connect(kind, { login: 'portal' });
        expect(await portal.checkAccessRights('update.webhook', 'read')).toBe(false);
        const error = await failure(portal.searchCount('update.webhook', []));
        expect(error.code).toBe('access-error');
        portal.close();
      });
    });

    describe.skipIf(!json2)('JSON-2 only', () => {
      it('totals groups with formatted_read_group and makes no deprecated call', async () => {
        const connection = client as unknown as Json2Connection;
        const before = target.simulator?.deprecatedCalls();
        const groups = await connection.groupTotals('update.webhook', { domain: [], groupby: ['event'], sums: ['record_id'] });
        expect(groups.reduce((sum, group) => sum + group.count, 0)).toBe(await client.searchCount('update.webhook', []));
        const [row] = await client.readGroup('update.webhook', [], ['ids:sum(id)'], []);
        expect(row.__count).toBe(await client.searchCount('update.webhook', []));
        expect(target.simulator?.deprecatedCalls()).toBe(before);
      });

      it('names what is wrong: a missing method, a private one, a password instead of a key', async () => {
        const connection = client as unknown as Json2Connection;
        expect((await failure(connection.call('res.partner', 'ocm_no_such_method'))).code).toBe('not-found');
        expect((await failure(connection.call('res.partner', '_read_group', { domain: [], groupby: [], aggregates: ['__count'] }))).code).toBe('access-error');
        if (onRealServer) return; // the real server's password is not in the environment of a JSON-2 run
        const password = await failure(connectJson2({ url: target.url, db: target.db, secret: 'admin' }));
        expect(password).toMatchObject({ code: 'access-denied', message: expect.stringContaining('looks like a password, not an API key') });
      });
    });
  });

  it.skipIf(onRealServer || (server.odoo ?? 0) < 19)('called no read_group on Odoo 19+ over any transport (formatted_read_group instead); only the RPC endpoints themselves are deprecated', () => {
    expect(target.simulator!.deprecatedCalls('read_group')).toBe(0);
    expect(target.simulator!.deprecatedCalls('endpoint')).toBeGreaterThan(0);
  });
});
