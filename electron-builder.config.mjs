// electron-builder configuration: `npm run dist` builds the installer for the OS it runs on (Windows NSIS
// per-user, macOS universal dmg + zip, Linux AppImage + deb) from the electron-vite build in out/.
// Everything secret or site-specific comes from the environment, read here so it is visible in one place:
//   CSC_LINK / CSC_KEY_PASSWORD (or CSC_NAME)   code-signing certificate (Windows and macOS); unsigned without it
//   APPLE_API_KEY + APPLE_API_KEY_ID + APPLE_API_ISSUER, or APPLE_ID + APPLE_APP_SPECIFIC_PASSWORD +
//   APPLE_TEAM_ID                                 macOS notarization (electron-builder reads them itself)
//   OCM_UPDATE_FEED                               update server URL (a folder of latest*.yml and installers)
//   OCM_RELEASE_REPOSITORY or GITHUB_REPOSITORY   owner/name of the GitHub repository whose Releases are the feed
// The shape is checked against electron-builder's own JSON schema by test/unit/tooling/electron-builder-config.test.ts.

/** True when a signing certificate is configured. */
function hasSigningCertificate(env) {
  return Boolean(env.CSC_LINK || env.CSC_NAME || env.WIN_CSC_LINK);
}

/** Where installed apps look for updates: a generic server when OCM_UPDATE_FEED is set, else GitHub Releases. */
export function updateFeed(env = process.env) {
  if (env.OCM_UPDATE_FEED) return { provider: 'generic', url: env.OCM_UPDATE_FEED };
  const [owner, repo] = (env.OCM_RELEASE_REPOSITORY || env.GITHUB_REPOSITORY || '').split('/');
  // Without a repository named, electron-builder reads it from package.json or the git remote.
  return owner && repo ? { provider: 'github', owner, repo, releaseType: 'release' } : { provider: 'github', releaseType: 'release' };
}

/** The configuration for the given environment. */
export function builderConfig(env = process.env) {
  const signed = hasSigningCertificate(env);
  return {
    appId: 'io.github.odoo-change-monitor',
    productName: 'Odoo Change Monitor',
    copyright: 'Copyright © Odoo Change Monitor contributors',
    directories: { output: 'dist', buildResources: 'resources' },
    // The electron-vite build only; production node_modules are added by electron-builder. playwright-core
    // drives an external browser for browser mode and the CLI: the desktop app prints with its own Chromium.
    files: ['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json', '!**/node_modules/playwright-core/**'],
    // No asar archive: the sync worker is an ES module started with worker_threads and loads
    // better-sqlite3's native module, and Electron's asar support inside worker threads is not something
    // to find out on users' machines. The release workflow's smoke test exercises exactly that path.
    asar: false,
    // better-sqlite3 rebuilt for Electron's ABI in the packaged app (@electron/rebuild, prebuilt binaries
    // first); the node_modules of the checkout keep their Node build.
    npmRebuild: true,
    buildDependenciesFromSource: false,
    publish: [updateFeed(env)],
    win: {
      target: [{ target: 'nsis', arch: ['x64'] }],
      icon: 'icon.png',
    },
    nsis: {
      // Per-user: no administrator rights to install or to update.
      oneClick: true,
      perMachine: false,
      allowElevation: false,
      createDesktopShortcut: true,
      createStartMenuShortcut: true,
      deleteAppDataOnUninstall: false,
      artifactName: '${productName}-Setup-${version}.${ext}',
    },
    mac: {
      // The zip is what electron-updater downloads on macOS; the dmg is what people install from.
      target: [
        { target: 'dmg', arch: ['universal'] },
        { target: 'zip', arch: ['universal'] },
      ],
      category: 'public.app-category.developer-tools',
      icon: 'icon.png',
      // Without a certificate: ad-hoc signed, which Apple silicon requires to run at all; notarization
      // happens when the APPLE_* variables are set (and only then).
      identity: signed ? undefined : '-',
      hardenedRuntime: signed,
      notarize: signed,
      artifactName: '${productName}-${version}-universal.${ext}',
    },
    dmg: {
      artifactName: '${productName}-${version}-universal.${ext}',
    },
    linux: {
      target: [
        { target: 'AppImage', arch: ['x64'] },
        { target: 'deb', arch: ['x64'] },
      ],
      executableName: 'odoo-change-monitor',
      category: 'Development',
      icon: 'icon.png',
      maintainer: 'Odoo Change Monitor contributors',
      synopsis: 'Mirror, watch and report the change logs of Odoo servers',
      artifactName: '${name}-${version}-${arch}.${ext}',
    },
    deb: {
      // The libraries Electron needs beyond a minimal desktop; libsecret lets safeStorage use the keyring.
      depends: ['libgtk-3-0', 'libnss3', 'libxss1', 'libxtst6', 'xdg-utils', 'libatspi2.0-0', 'libuuid1', 'libsecret-1-0'],
    },
  };
}

export default builderConfig();
