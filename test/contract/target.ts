/**
 * Where the contract suite runs: per Odoo version and module flavour against the simulator (default),
 * or against one real Odoo server given by the environment:
 * - `ODOO_URL` and `ODOO_DB` name the server;
 * - `ODOO_LOGIN` and `ODOO_PASSWORD` run the XML-RPC and JSON-RPC cases;
 * - `ODOO_API_KEY` (Odoo 19+) runs the JSON-2 cases.
 * A transport whose credentials are not given is skipped with the reason in its title. On a real server
 * only the tests that are safe there run; the others are skipped with {@link simulatorOnly} as their reason.
 */
import { startSimulator } from '../../src-main/simulator/index';
import type { ModuleFlavour, OdooVersion, RunningSimulator } from '../../src-main/simulator/index';
import { connectOdoo } from '../../src-main/odoo/connection';
import { fetchServerVersion } from '../../src-main/odoo/json2-client';
import type { OdooConnection } from '../../src-main/odoo/types';
import type { TransportKind } from '../../src-main/common/model';

const env = process.env;
const where = (['ODOO_URL', 'ODOO_DB'] as const).filter((name) => env[name]);
const rpcCredentials = (['ODOO_LOGIN', 'ODOO_PASSWORD'] as const).filter((name) => env[name]);
const anyGiven = where.length + rpcCredentials.length > 0 || !!env.ODOO_API_KEY;
if (anyGiven && where.length < 2) {
  throw new Error(`The contract suite needs ODOO_URL and ODOO_DB to run against a real server; missing: ${['ODOO_URL', 'ODOO_DB'].filter((name) => !env[name]).join(', ')}.`);
}
if (rpcCredentials.length === 1) {
  throw new Error(`The XML-RPC and JSON-RPC cases need both ODOO_LOGIN and ODOO_PASSWORD; missing: ${['ODOO_LOGIN', 'ODOO_PASSWORD'].filter((name) => !env[name]).join(', ')}.`);
}
if (anyGiven && rpcCredentials.length === 0 && !env.ODOO_API_KEY) {
  throw new Error('The contract suite needs credentials for the real server: ODOO_LOGIN and ODOO_PASSWORD (XML-RPC, JSON-RPC) and/or ODOO_API_KEY (JSON-2, Odoo 19+).');
}

/** True when the suite runs against a real Odoo server. */
export const onRealServer = anyGiven;

/** Appended to the names of tests that only the simulator can run (skipped on a real server). */
export const simulatorOnly = onRealServer ? ' [skipped on a real server: needs the simulator]' : '';

/** One server of the suite and the transports it is tested over. */
export interface ContractServer {
  /** Shown in the suite's titles, e.g. 'Odoo 19, our addon (simulated)'. */
  name: string;
  /** The simulated version and module flavour (undefined on a real server). */
  odoo?: OdooVersion;
  flavour?: ModuleFlavour;
  transports: readonly TransportKind[];
}

/**
 * The servers the suite runs against (README's version matrix): 17 and 18 with the original module
 * over XML-RPC and JSON-RPC, 18 with our addon, 19 and 20 (where the original module does not install)
 * with our addon over JSON-2 and the deprecated XML-RPC and JSON-RPC. One simulator per server is shared
 * by its transports.
 */
export const CONTRACT_SERVERS: readonly ContractServer[] = onRealServer
  ? [{ name: `the real server at ${env.ODOO_URL}`, transports: ['xmlrpc', 'jsonrpc', 'json2'] }]
  : [
      { name: 'Odoo 17, original module (simulated)', odoo: 17, flavour: 'original', transports: ['xmlrpc', 'jsonrpc'] },
      { name: 'Odoo 18, original module (simulated)', odoo: 18, flavour: 'original', transports: ['xmlrpc', 'jsonrpc'] },
      { name: 'Odoo 18, our addon (simulated)', odoo: 18, flavour: 'fixed', transports: ['xmlrpc', 'jsonrpc'] },
      { name: 'Odoo 19, our addon (simulated)', odoo: 19, flavour: 'fixed', transports: ['json2', 'xmlrpc', 'jsonrpc'] },
      { name: 'Odoo 20, our addon (simulated)', odoo: 20, flavour: 'fixed', transports: ['json2', 'xmlrpc', 'jsonrpc'] },
    ];

/** Why a transport's cases are skipped on the real server ('' when they run), for the titles. */
export function transportSkipReason(kind: TransportKind): string {
  if (!onRealServer) return '';
  if (kind === 'json2') return env.ODOO_API_KEY ? '' : ' [skipped: set ODOO_API_KEY (an API key of ODOO_LOGIN, Odoo 19+) to run the JSON-2 cases]';
  return rpcCredentials.length === 2 ? '' : ' [skipped: set ODOO_LOGIN and ODOO_PASSWORD to run the XML-RPC and JSON-RPC cases]';
}

/** Who to connect as, on the simulator (a real server only has the login of the environment). */
export interface ContractUser {
  db?: string;
  login?: string;
}

/** A server to test against. */
export interface ContractTarget {
  url: string;
  db: string;
  login: string;
  /** The Odoo major version (the simulator's, or read from the real server). */
  major: number;
  /** The simulator, when running against it. */
  simulator?: RunningSimulator;
  /** The secret a transport takes for a user: the password for XML-RPC and JSON-RPC, the API key for JSON-2. */
  secret(kind: TransportKind, user?: ContractUser): string;
  /** Logs in over one transport (as the target's user, or another one of the simulator). */
  connect(kind: TransportKind, user?: ContractUser): Promise<OdooConnection>;
  close(): Promise<void>;
}

/** Opens the target of a server: a fresh simulator, or the real server named by the environment. */
export async function openTarget(server: ContractServer): Promise<ContractTarget> {
  if (onRealServer) {
    const url = env.ODOO_URL!;
    const db = env.ODOO_DB!;
    const login = env.ODOO_LOGIN ?? '';
    const secret = (kind: TransportKind) => (kind === 'json2' ? env.ODOO_API_KEY ?? '' : env.ODOO_PASSWORD ?? '');
    const { major } = await fetchServerVersion(url);
    return {
      url,
      db,
      login,
      major,
      secret,
      connect: (kind) => connectOdoo({ url, db, login, secret: secret(kind), transport: kind }),
      close: async () => undefined,
    };
  }
  const simulator = await startSimulator({ port: 0, odoo: server.odoo, flavour: server.flavour, seed: 7 });
  const secret = (kind: TransportKind, user: ContractUser = {}) => {
    const login = user.login ?? 'admin';
    return kind === 'json2' ? simulator.database(user.db ?? 'seed').apiKey(login) : login;
  };
  return {
    url: simulator.url,
    db: 'seed',
    login: 'admin',
    major: simulator.odoo,
    simulator,
    secret,
    connect: (kind, user = {}) => connectOdoo({ url: simulator.url, db: user.db ?? 'seed', login: user.login ?? 'admin', secret: secret(kind, user), transport: kind }),
    close: () => simulator.close(),
  };
}

/** A name no server has, for "unknown database" and "missing model" tests. */
export const absentDatabase = 'ocm_contract_no_such_db';
export const absentModel = 'x_ocm_no_such.model';

/** Letters and digits only, so it is safe inside `like` patterns. */
export function uniqueTag(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`.replace(/[^A-Za-z0-9 ]/g, '');
}
