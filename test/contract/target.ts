/**
 * Where the contract suite runs: an in-process simulator (default) or a real Odoo server when
 * `ODOO_URL`, `ODOO_DB`, `ODOO_LOGIN` and `ODOO_PASSWORD` are set. On a real server only the tests that
 * are safe there run; the others are skipped with {@link simulatorOnly} as their reason.
 */
import { startSimulator } from '../../src-main/simulator/index';
import type { RunningSimulator } from '../../src-main/simulator/index';
import { connectOdoo } from '../../src-main/odoo/connection';
import type { OdooConnection } from '../../src-main/odoo/types';
import type { TransportKind } from '../../src-main/common/model';

const variables = ['ODOO_URL', 'ODOO_DB', 'ODOO_LOGIN', 'ODOO_PASSWORD'] as const;
const given = variables.filter((name) => process.env[name]);
if (given.length > 0 && given.length < variables.length) {
  throw new Error(`The contract suite needs all of ${variables.join(', ')} to run against a real server; missing: ${variables.filter((name) => !process.env[name]).join(', ')}.`);
}

/** True when the suite runs against a real Odoo server. */
export const onRealServer = given.length === variables.length;

/** Appended to the names of tests that only the simulator can run (skipped on a real server). */
export const simulatorOnly = onRealServer ? ' [skipped on a real server: needs the simulator]' : '';

/** A server to test against. */
export interface ContractTarget {
  url: string;
  db: string;
  login: string;
  password: string;
  /** The simulator, when running against it. */
  simulator?: RunningSimulator;
  /** Logs in with the target's credentials over one transport. */
  connect(transport: TransportKind): Promise<OdooConnection>;
  close(): Promise<void>;
}

/** Opens the target: a fresh simulator (original flavour) or the real server named by the environment. */
export async function openTarget(): Promise<ContractTarget> {
  if (onRealServer) {
    const env = process.env as Record<(typeof variables)[number], string>;
    const target = { url: env.ODOO_URL, db: env.ODOO_DB, login: env.ODOO_LOGIN, password: env.ODOO_PASSWORD };
    return { ...target, connect: (transport) => connectOdoo({ url: target.url, db: target.db, login: target.login, secret: target.password, transport }), close: async () => undefined };
  }
  const simulator = await startSimulator({ port: 0, flavour: 'original', seed: 7 });
  const target = { url: simulator.url, db: 'seed', login: 'admin', password: 'admin' };
  return { ...target, simulator, connect: (transport) => connectOdoo({ url: target.url, db: target.db, login: target.login, secret: target.password, transport }), close: () => simulator.close() };
}

/** A name no server has, for "unknown database" and "missing model" tests. */
export const absentDatabase = 'ocm_contract_no_such_db';
export const absentModel = 'x_ocm_no_such.model';

/** Letters and digits only, so it is safe inside `like` patterns. */
export function uniqueTag(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`.replace(/[^A-Za-z0-9 ]/g, '');
}
