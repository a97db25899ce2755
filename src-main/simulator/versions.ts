/**
 * The Odoo series the simulator speaks and what differs between them. 18.0 and 19.0 are measured (the
 * recordings in ../shared/odoo-recordings and odoo19-recordings); 17.0 and 20.0 follow Odoo's source and
 * documentation where they could be checked, and docs/simulator.md lists what could not be confirmed.
 */

/** An Odoo major version the simulator can play. */
export type OdooVersion = 17 | 18 | 19 | 20;

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
}

const PROFILES: Record<OdooVersion, VersionProfile> = {
  17: { version: 17, serverVersion: '17.0-20250312', versionInfo: [17, 0, 0, 'final', 0, ''], serie: '17.0' },
  18: { version: 18, serverVersion: '18.0-20250421', versionInfo: [18, 0, 0, 'final', 0, ''], serie: '18.0' },
  19: { version: 19, serverVersion: '19.0-20251227', versionInfo: [19, 0, 0, 'final', 0, ''], serie: '19.0' },
  20: { version: 20, serverVersion: '20.0-20261015', versionInfo: [20, 0, 0, 'final', 0, ''], serie: '20.0' },
};

/** The profile of a version; a clear error for anything else. */
export function versionProfile(version: number): VersionProfile {
  const profile = PROFILES[version as OdooVersion];
  if (!profile) throw new Error(`the simulator plays Odoo ${ODOO_VERSIONS.join(', ')}, not ${String(version)}`);
  return profile;
}
