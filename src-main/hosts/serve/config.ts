/**
 * `ocm serve`'s configuration: a JSON file (`--config FILE` or `OCM_CONFIG`), then environment
 * variables, then command-line options, each overriding the one before (docs/team-mode.md lists them).
 * Loading checks everything a server must not start without, and says what to do:
 *
 * - serving beyond loopback needs TLS (a certificate and its key, both readable and matching) or an
 *   explicit reverse proxy (`--behind-proxy <its IP address>`; X-Forwarded-* is then trusted from that
 *   address only, and nobody else may connect);
 * - the mirror is a SQLite file (the default, `<data folder>/mirror.sqlite`) or a PostgreSQL database
 *   (`postgres://…`), whose URL is checked here and whose password is never printed.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { isIP } from 'node:net';
import { createSecureContext } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { OcmError } from '../../common/errors';
import { dataDirectory, databasePath } from '../../store/data-directory';
import { assertPostgresUrl, redactUrl } from '../../store/postgres/connection';
import type { MirrorLocation } from '../mirror-store';

/** The configuration file's shape (every key optional). */
export interface ServeConfigFile {
  /** Data folder: the key file of saved passwords, exports, and the mirror unless `database` says otherwise. */
  dataDir?: string;
  /** The mirror: a SQLite file path, `sqlite:///path`, or `postgres://USER:PASSWORD@HOST/DATABASE`. */
  database?: string;
  listen?: { host?: string; port?: number };
  /** PEM files of the server's certificate (chain) and private key. */
  tls?: { cert?: string; key?: string };
  /** The reverse proxy's IP address: only it may connect, and only its X-Forwarded-* headers count. */
  behindProxy?: string;
  /** The address people open (e.g. https://ocm.example.com); pins the Origin every request must come from. */
  publicUrl?: string;
  collector?: { enabled?: boolean; id?: string; leaseSeconds?: number };
  sessions?: { hours?: number; idleMinutes?: number };
  /** Created on first start when the server has no user yet. */
  firstAdmin?: { login?: string; passwordEnv?: string };
}

/** The checked configuration a server starts with. */
export interface ServeConfig {
  dataDir: string;
  database: MirrorLocation;
  host: string;
  port: number;
  tls?: { cert: Buffer; key: Buffer; certPath: string; keyPath: string };
  behindProxy?: string;
  publicOrigin?: string;
  collector: { enabled: boolean; id: string; leaseSeconds: number };
  sessions: { lifetimeSeconds: number; idleSeconds: number };
  /** The first admin to create when there is no user yet; `password` is absent when its variable is unset. */
  firstAdmin?: { login: string; passwordEnv: string; password?: string };
  /** Where the file came from, for the start-up summary. */
  configFile?: string;
}

/** Command-line options of `ocm serve` (the CLI parses them; absent ones leave the value as it was). */
export interface ServeFlags {
  config?: string;
  host?: string;
  port?: string;
  tlsCert?: string;
  tlsKey?: string;
  behindProxy?: string;
  publicUrl?: string;
  collectorId?: string;
  leaseSeconds?: string;
  noCollector?: boolean;
}

/** Default TCP port of `ocm serve`. */
export const DEFAULT_SERVE_PORT = 8080;
/** Default lease of a collector, in seconds (take-over within 4/3 of it when a collector dies). */
export const DEFAULT_LEASE_SECONDS = 15;

type Env = Readonly<Record<string, string | undefined>>;

function invalid(message: string, hint?: string): OcmError {
  return new OcmError('invalid-input', message, hint ? { hint } : {});
}

/** The configuration file (when named), with its relative paths resolved next to it. */
function configSource(configFile: string | undefined): { file: ServeConfigFile; path(value: string | undefined): string | undefined } {
  const file = configFile ? readConfigFile(configFile) : {};
  const base = configFile ? resolve(configFile, '..') : process.cwd();
  return { file, path: (value) => (value === undefined ? undefined : isAbsolute(value) ? value : resolve(base, value)) };
}

/** Where a team server keeps its data and its mirror (also what `ocm user` opens). */
export function loadDataLocation(configFile: string | undefined, env: Env): Pick<ServeConfig, 'dataDir' | 'database'> {
  const { file, path } = configSource(configFile ?? env.OCM_CONFIG);
  const dataDir = env.OCM_HOME ?? path(file.dataDir) ?? dataDirectory(env);
  return { dataDir, database: mirrorLocationOf(env.OCM_DATABASE_URL ?? databaseOf(file.database, path), dataDir) };
}

/** Reads and checks the configuration from the file, the environment and the flags. */
export function loadServeConfig(flags: ServeFlags, env: Env): ServeConfig {
  const configFile = flags.config ?? env.OCM_CONFIG;
  const { file, path } = configSource(configFile);
  const { dataDir, database } = loadDataLocation(configFile, env);
  const host = flags.host ?? env.OCM_HOST ?? file.listen?.host ?? '127.0.0.1';
  const port = portOf(flags.port ?? env.OCM_PORT ?? file.listen?.port ?? DEFAULT_SERVE_PORT);
  const certPath = flags.tlsCert ?? env.OCM_TLS_CERT ?? path(file.tls?.cert);
  const keyPath = flags.tlsKey ?? env.OCM_TLS_KEY ?? path(file.tls?.key);
  const behindProxy = flags.behindProxy ?? env.OCM_BEHIND_PROXY ?? file.behindProxy;
  const publicUrl = flags.publicUrl ?? env.OCM_PUBLIC_URL ?? file.publicUrl;

  const config: ServeConfig = {
    dataDir,
    database,
    host,
    port,
    collector: {
      enabled: !flags.noCollector && file.collector?.enabled !== false,
      id: flags.collectorId ?? env.OCM_COLLECTOR_ID ?? file.collector?.id ?? hostname(),
      leaseSeconds: leaseOf(flags.leaseSeconds ?? file.collector?.leaseSeconds ?? DEFAULT_LEASE_SECONDS),
    },
    sessions: {
      lifetimeSeconds: boundedNumber(file.sessions?.hours ?? 12, 'sessions.hours', 0.1, 24 * 30) * 3600,
      idleSeconds: boundedNumber(file.sessions?.idleMinutes ?? 120, 'sessions.idleMinutes', 1, 24 * 60 * 30) * 60,
    },
  };
  if (configFile) config.configFile = configFile;
  if (certPath !== undefined || keyPath !== undefined) config.tls = loadTls(certPath, keyPath);
  if (behindProxy !== undefined) config.behindProxy = proxyAddressOf(behindProxy);
  if (publicUrl !== undefined) config.publicOrigin = publicOriginOf(publicUrl, config);
  if (file.firstAdmin) config.firstAdmin = firstAdminOf(file.firstAdmin, env);
  assertExposureAllowed(config);
  return config;
}

/** True for loopback addresses and names: only this machine can reach them. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare) || bare === '::ffff:127.0.0.1';
}

/**
 * The rule: beyond loopback, a server speaks TLS itself or sits behind a named proxy. Sessions and
 * passwords must never cross a network in clear.
 */
export function assertExposureAllowed(config: Pick<ServeConfig, 'host' | 'tls' | 'behindProxy'>): void {
  if (isLoopback(config.host) || config.tls || config.behindProxy) return;
  throw invalid(
    `Refusing to serve on ${config.host} without TLS: passwords and session cookies would cross the network in clear.`,
    'Give a certificate pair (tls.cert and tls.key in the config, or --tls-cert and --tls-key), or put a reverse proxy in front and name its address with --behind-proxy <proxy IP>. Listening on 127.0.0.1 needs neither.',
  );
}

function readConfigFile(path: string): ServeConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw invalid(`The configuration file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, 'Check the path given by --config or OCM_CONFIG.');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(`The configuration file ${path} is not valid JSON: ${(error as Error).message}.`, 'See docs/team-mode.md for an example.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`The configuration file ${path} must hold one JSON object.`);
  const known = ['dataDir', 'database', 'listen', 'tls', 'behindProxy', 'publicUrl', 'collector', 'sessions', 'firstAdmin', '$comment'];
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  if (unknown.length) throw invalid(`The configuration file ${path} has unknown keys: ${unknown.join(', ')}.`, `Known keys: ${known.filter((key) => key !== '$comment').join(', ')}.`);
  return value as ServeConfigFile;
}

/** The file's `database`: a URL as written, a file path resolved next to the file. */
function databaseOf(value: string | undefined, path: (value: string | undefined) => string | undefined): string | undefined {
  return value !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : path(value);
}

function mirrorLocationOf(url: string | undefined, dataDir: string): MirrorLocation {
  if (url === undefined || url === '') return { kind: 'sqlite', file: databasePath(dataDir) };
  if (/^postgres(ql)?:\/\//i.test(url)) {
    assertPostgresUrl(url);
    return { kind: 'postgres', url };
  }
  if (/^sqlite:\/\//i.test(url)) return { kind: 'sqlite', file: url.replace(/^sqlite:\/\//i, '') || databasePath(dataDir) };
  if (/^file:\/\//i.test(url)) return { kind: 'sqlite', file: fileURLToPath(url) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw invalid(`Unknown database URL "${redactUrl(url)}".`, 'Use a SQLite file path, sqlite:///path/to/mirror.sqlite, or postgres://USER:PASSWORD@HOST:5432/DATABASE.');
  return { kind: 'sqlite', file: isAbsolute(url) ? url : join(process.cwd(), url) };
}

function portOf(value: string | number): number {
  const port = typeof value === 'number' ? value : Number(value);
  // 0 picks a free port (tests, benchmarks); the start-up summary prints the one chosen.
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid(`The port must be a number from 1 to 65535 (or 0 for a free one), not "${value}".`);
  return port;
}

function leaseOf(value: string | number): number {
  return boundedNumber(typeof value === 'number' ? value : Number(value), 'collector.leaseSeconds', 1, 3600);
}

function boundedNumber(value: number, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) throw invalid(`${name} must be a number from ${min} to ${max}, not ${JSON.stringify(value)}.`);
  return value;
}

function loadTls(certPath: string | undefined, keyPath: string | undefined): NonNullable<ServeConfig['tls']> {
  if (!certPath || !keyPath) {
    throw invalid(`TLS needs both a certificate and its private key; only the ${certPath ? 'certificate' : 'key'} was given.`, 'Set tls.cert and tls.key (or --tls-cert and --tls-key) to PEM files.');
  }
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw invalid(`The TLS ${what} ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, 'The service user must be able to read it (e.g. group ocm, mode 0640).');
    }
  };
  const cert = read(certPath, 'certificate');
  const key = read(keyPath, 'private key');
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw invalid(`The TLS certificate ${certPath} and key ${keyPath} cannot be used together: ${(error as Error).message}.`, 'Give PEM files of one certificate and its own private key (unencrypted).');
  }
  return { cert, key, certPath, keyPath };
}

function proxyAddressOf(value: string): string {
  const address = value.trim();
  if (isIP(address) === 0) {
    throw invalid(`--behind-proxy must be the reverse proxy's IP address (e.g. 127.0.0.1 or 10.0.0.5), not "${value}".`, 'Only requests from that address are accepted, and only its X-Forwarded-* headers are trusted.');
  }
  return address;
}

function publicOriginOf(value: string, config: Pick<ServeConfig, 'tls'>): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`publicUrl "${value}" is not a URL.`, 'Give the address people open, e.g. https://ocm.example.com.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(`publicUrl must be an http(s) address, not "${value}".`);
  if (config.tls && url.protocol !== 'https:') throw invalid(`publicUrl "${value}" is http while the server speaks TLS.`, 'Use the https:// address.');
  return url.origin;
}

function firstAdminOf(value: NonNullable<ServeConfigFile['firstAdmin']>, env: Env): ServeConfig['firstAdmin'] {
  if (!value.login || !value.passwordEnv) throw invalid('firstAdmin needs a login and passwordEnv (the environment variable holding the password).');
  const password = env[value.passwordEnv];
  // Only needed while no user exists: serve says so then.
  return password ? { login: value.login, passwordEnv: value.passwordEnv, password } : { login: value.login, passwordEnv: value.passwordEnv };
}
