/**
 * The installer configuration, checked without building anything (electron-builder cannot download
 * Electron here): it validates against the JSON schema electron-builder ships (app-builder-lib's
 * scheme.json, the one it validates with itself), says what the issue asks of each platform, and reads
 * signing and the update feed from the environment.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without type declarations (electron-builder loads it as is).
import { builderConfig, updateFeed } from '../../../electron-builder.config.mjs';

const ROOT = join(import.meta.dirname, '..', '..', '..');
type Config = Record<string, any>;
const configFor = (env: Record<string, string>): Config => JSON.parse(JSON.stringify(builderConfig(env)));

/** electron-builder's schema, found the way electron-builder finds its own app-builder-lib. */
function schema(): object {
  const fromBuilder = createRequire(createRequire(join(ROOT, 'package.json')).resolve('electron-builder/package.json'));
  return JSON.parse(readFileSync(join(dirname(fromBuilder.resolve('app-builder-lib/package.json')), 'scheme.json'), 'utf8'));
}

const validate = new Ajv({ allErrors: true, strict: false }).compile(schema());
const errorsOf = (config: Config) => (validate(config) ? [] : validate.errors!.map((error) => `${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`));

describe('electron-builder configuration', () => {
  it('validates against electron-builder’s schema, unsigned and signed, with either update feed', () => {
    expect(errorsOf(configFor({}))).toEqual([]);
    expect(errorsOf(configFor({ CSC_LINK: 'cert.p12', CSC_KEY_PASSWORD: 'x', GITHUB_REPOSITORY: 'acme/ocm' }))).toEqual([]);
    expect(errorsOf(configFor({ OCM_UPDATE_FEED: 'https://updates.example.com/ocm/' }))).toEqual([]);
  });

  it('is checked for real: a misspelt option is refused', () => {
    const config = configFor({});
    config.nsis.perMachin = false;
    expect(errorsOf(config).join('\n')).toMatch(/\/nsis .*additional/);
  });

  it('builds a per-user NSIS installer, a universal dmg (with the zip updates need), an AppImage and a deb', () => {
    const config = configFor({});
    expect(config.win.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(config.nsis).toMatchObject({ oneClick: true, perMachine: false, allowElevation: false });
    expect(config.mac.target).toEqual([{ target: 'dmg', arch: ['universal'] }, { target: 'zip', arch: ['universal'] }]);
    expect(config.linux.target.map((target: { target: string }) => target.target)).toEqual(['AppImage', 'deb']);
  });

  it('packs the electron-vite build as plain files, with better-sqlite3 rebuilt for Electron', () => {
    const config = configFor({});
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(manifest.main).toBe('out/main/index.js');
    expect(config.files).toEqual(expect.arrayContaining(['out/main/**', 'out/preload/**', 'out/renderer/**']));
    expect(config.npmRebuild).toBe(true);
    // The sync worker (worker_threads, ES module, native module) is never loaded from an asar archive.
    expect(config.asar).toBe(false);
    expect(manifest.dependencies['better-sqlite3']).toBeDefined();
    expect(readFileSync(join(ROOT, 'scripts', 'dist.mjs'), 'utf8')).toContain("'--config', 'electron-builder.config.mjs'");
  });

  it('has an icon of at least 1024×1024 with transparency in resources/', () => {
    const config = configFor({});
    const png = readFileSync(join(ROOT, config.directories.buildResources, config.mac.icon));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1024, 1024]);
    expect(png[25]).toBe(6); // colour type 6: RGBA
  });

  it('signs with a certificate when one is given, else ad-hoc signs macOS builds and skips notarization', () => {
    expect(configFor({}).mac).toMatchObject({ identity: '-', hardenedRuntime: false, notarize: false });
    const signed = configFor({ CSC_LINK: 'cert.p12' }).mac;
    expect(signed.identity).toBeUndefined();
    expect(signed).toMatchObject({ hardenedRuntime: true, notarize: true });
  });

  it('publishes to GitHub Releases by default, or to the server OCM_UPDATE_FEED names', () => {
    expect(updateFeed({})).toEqual({ provider: 'github', releaseType: 'release' });
    expect(updateFeed({ GITHUB_REPOSITORY: 'acme/ocm' })).toEqual({ provider: 'github', owner: 'acme', repo: 'ocm', releaseType: 'release' });
    expect(updateFeed({ OCM_UPDATE_FEED: 'https://updates.example.com/ocm/' })).toEqual({ provider: 'generic', url: 'https://updates.example.com/ocm/' });
    expect(configFor({ OCM_RELEASE_REPOSITORY: 'acme/ocm-desktop' }).publish).toEqual([{ provider: 'github', owner: 'acme', repo: 'ocm-desktop', releaseType: 'release' }]);
  });
});
