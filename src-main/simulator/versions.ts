/**
 * The Odoo series the simulator speaks and what differs between them. 18.0 and 19.0 are measured (the
 * recordings in ../shared/odoo-recordings and odoo19-recordings); 17.0 and 20.0 follow Odoo's source and
 * documentation where they could be checked, and docs/simulator.md lists what could not be confirmed.
 */
import type { ModuleFlavour, OdooVersion } from './types';

export type { OdooVersion } from './types';

/** Every version, oldest first. */
export const ODOO_VERSIONS: readonly OdooVersion[] = [17, 18, 19, 20];

/** What one version answers and offers. */
export interface VersionProfile {
  readonly version: OdooVersion;
  /** `server_version`, e.g. `18.0-20250421` (a Community nightly's stamp). */
  readonly serverVersion: string;
  /** `server_version_info`: `[18, 0, 0, 'final', 0, '']`. */
  readonly versionInfo: readonly [number, number, number, string, number, string];
  /** `server_serie`, e.g. `18.0`; also the prefix of module versions. */
  readonly serie: string;
  /** `POST /json/2/<model>/<method>` with bearer API keys (19+). */
  readonly json2: boolean;
  /** JSON-2 binds the named arguments to the method's signature first: a bad one is 422, not 500 (20). */
  readonly json2BindsArguments: boolean;
  /** The `db` RPC service (`/xmlrpc/2/db`, `service: "db"`); removed in 20. */
  readonly dbService: boolean;
  /** `GET /web/version` and `/json/version` (the `rpc` module, 19+). */
  readonly versionRoutes: boolean;
  /** `/xmlrpc`, `/xmlrpc/2` and `/jsonrpc` log a deprecation WARNING on every call (19+). */
  readonly rpcDeprecated: boolean;
  /** `read_group` logs a DeprecationWarning (19+); `formatted_read_group` exists (19+). */
  readonly formattedReadGroup: boolean;
  /** Without a database, unknown routes get Odoo's "No database is selected" page (19+). */
  readonly noDatabasePage: boolean;
  /** The `X-Odoo-Database` request header selects the database (19+). */
  readonly databaseHeader: boolean;
  /** Status of a JSON route called with another content type: 400 until 18, 415 from 19. */
  readonly wrongContentTypeStatus: 400 | 415;
  /** `error.code` of JSON-RPC errors: 200 until 18, 0 from 19. */
  readonly jsonRpcErrorCode: 200 | 0;
  /** Group names in access errors: `Administration/Settings` until 18, `Role / Administrator` from 19. */
  readonly groupNames: Readonly<Record<string, string>>;
  /** Module flavours that install on this version (the original module does not install on 19+). */
  readonly flavours: readonly ModuleFlavour[];
  /** The flavour used when none is asked for. */
  readonly defaultFlavour: ModuleFlavour;
  /** The deprecation WARNING of the RPC endpoints (19+), with `%s` for the logger name. */
  readonly rpcDeprecationNotice?: string;
}

const GROUP_NAMES_UNTIL_18: Readonly<Record<string, string>> = {
  'base.group_user': 'User types/Internal User',
  'base.group_portal': 'User types/Portal',
  'base.group_system': 'Administration/Settings',
};

// 19 names groups "<privilege> / <group>"; only "Role / Administrator" is recorded (exchange 37).
const GROUP_NAMES_FROM_19: Readonly<Record<string, string>> = {
  'base.group_user': 'Role / User',
  'base.group_portal': 'Role / Portal',
  'base.group_system': 'Role / Administrator',
};

const NOTICE_TAIL =
  'Please report the problem to the client making the request.\nMute this logger: --log-handler %s:ERROR\nhttps://www.odoo.com/documentation/latest/developer/reference/external_api.html#migrating-from-xml-rpc-json-rpc';

const UNTIL_18 = {
  json2: false,
  json2BindsArguments: false,
  dbService: true,
  versionRoutes: false,
  rpcDeprecated: false,
  formattedReadGroup: false,
  noDatabasePage: false,
  databaseHeader: false,
  wrongContentTypeStatus: 400,
  jsonRpcErrorCode: 200,
  groupNames: GROUP_NAMES_UNTIL_18,
  flavours: ['original', 'fixed'],
  defaultFlavour: 'original',
} as const;

const FROM_19 = {
  json2: true,
  versionRoutes: true,
  rpcDeprecated: true,
  formattedReadGroup: true,
  noDatabasePage: true,
  databaseHeader: true,
  wrongContentTypeStatus: 415,
  jsonRpcErrorCode: 0,
  groupNames: GROUP_NAMES_FROM_19,
  flavours: ['fixed'],
  defaultFlavour: 'fixed',
} as const;

const PROFILES: Record<OdooVersion, VersionProfile> = {
  17: { version: 17, serverVersion: '17.0-20250312', versionInfo: [17, 0, 0, 'final', 0, ''], serie: '17.0', ...UNTIL_18 },
  18: { version: 18, serverVersion: '18.0-20250421', versionInfo: [18, 0, 0, 'final', 0, ''], serie: '18.0', ...UNTIL_18 },
  19: {
    version: 19,
    serverVersion: '19.0-20251227',
    versionInfo: [19, 0, 0, 'final', 0, ''],
    serie: '19.0',
    ...FROM_19,
    json2BindsArguments: false,
    dbService: true,
    // Verbatim from the 19.0 server's log (server-log-warnings.txt).
    rpcDeprecationNotice: `The /xmlrpc, /xmlrpc/2 and /jsonrpc endpoints are deprecated in Odoo 19 and scheduled for removal in Odoo 20. ${NOTICE_TAIL}`,
  },
  20: {
    version: 20,
    serverVersion: '20.0-20261015',
    versionInfo: [20, 0, 0, 'final', 0, ''],
    serie: '20.0',
    ...FROM_19,
    json2BindsArguments: true,
    dbService: false,
    // Odoo moved the removal of `common` and `object` to 22 (the documentation); the wording is assumed.
    rpcDeprecationNotice: `The /xmlrpc, /xmlrpc/2 and /jsonrpc endpoints are deprecated in Odoo 19 and scheduled for removal in Odoo 22. ${NOTICE_TAIL}`,
  },
};

/** The profile of a version; a clear error for anything else. */
export function versionProfile(version: number): VersionProfile {
  const profile = PROFILES[version as OdooVersion];
  if (!profile) throw new Error(`the simulator plays Odoo ${ODOO_VERSIONS.join(', ')}, not ${String(version)}`);
  return profile;
}

/** `common.version()` of a version (also `/web/webclient/version_info`). */
export function versionAnswer(profile: VersionProfile): { [key: string]: string | number | Array<string | number> } {
  return {
    server_version: profile.serverVersion,
    server_version_info: [...profile.versionInfo],
    server_serie: profile.serie,
    protocol_version: 1,
  };
}
