/**
 * The Electron host: a thin shell that wires the same services as browser mode and the CLI to a
 * sandboxed, context-isolated window through the generic channel. Everything it starts is built by
 * `createServices`; this file only owns windows, the menu, the app protocol and OS integration.
 */
import { app, BrowserWindow, dialog, ipcMain, shell } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveChannel } from '../../common/channel';
import { SERVICE_SURFACES } from '../../common/services';
import { TEAM_CLIENT_SURFACES } from '../../common/team';
import { createServices, type RunningServices } from '../services';
import { APP_ORIGIN, registerAppScheme, serveRenderer } from './app-protocol';
import { createElectronNotifier } from './desktop-notifier';
import { createIpcPort } from './ipc-port';
import { installMenu } from './menu';
import { createElectronPdfRenderer } from './pdf-renderer';
import { createSafeStorageVault } from './safe-storage-vault';
import { runSmokeTest, SMOKE_TEST_VARIABLE } from './smoke-test';
import { createDesktopUpdates } from './updater';
import { keepWindowState, loadWindowState } from './window-state';

let mainWindow: BrowserWindow | undefined;
let appServices: RunningServices | undefined;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!mainWindow && appServices) mainWindow = openWindow(appServices);
  });
  app.on('will-quit', () => void appServices?.close());
  app.whenReady().then(start, (error: unknown) => fail(error));
}

async function start(): Promise<void> {
  try {
    // better-sqlite3 built for Electron's ABI (`npm run desktop` puts it there); workers inherit the variable.
    const electronSqlite = join(__dirname, '..', 'native', 'better_sqlite3.node');
    if (existsSync(electronSqlite)) process.env.OCM_SQLITE_BINDING = electronSqlite;
    serveRenderer(join(__dirname, '..', 'renderer'));
    const updates = createDesktopUpdates({
      window: () => mainWindow,
      language: async () => (appServices ? (await appServices.services.settings.get()).language : 'en'),
    });
    installMenu(() => mainWindow, { checkForUpdates: () => updates.check('menu') });
    appServices = await createServices({
      dataDir: process.env.OCM_HOME ?? app.getPath('userData'),
      demo: true,
      vault: createSafeStorageVault(),
      pdfRenderer: createElectronPdfRenderer(),
      desktopNotifier: createElectronNotifier(() => mainWindow),
      host: { kind: 'electron', version: app.getVersion(), openExternal: (url) => shell.openExternal(url) },
      teamServers: true,
    });
    mainWindow = openWindow(appServices);
    if (process.env[SMOKE_TEST_VARIABLE] === '1') void runSmokeTest(mainWindow);
    else if (app.isPackaged) updates.check('start');
  } catch (error) {
    fail(error);
  }
}

function openWindow(services: RunningServices): BrowserWindow {
  const stateFile = join(app.getPath('userData'), 'window-state.json');
  const state = loadWindowState(stateFile);
  const window = new BrowserWindow({
    ...state.bounds,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Odoo Change Monitor',
    backgroundColor: '#1e1e1e',
    webPreferences: {
      preload: join(__dirname, '..', 'preload', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  if (state.maximized) window.maximize();
  keepWindowState(window, stateFile);

  // The renderer may only ever show our own pages; links leave for the user's browser.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(APP_ORIGIN)) event.preventDefault();
  });

  // The team servers this desktop reads are served beside its own services (their instances are routed in).
  const channel = services.teams
    ? serveChannel(createIpcPort(window.webContents, ipcMain), { ...services.services, teams: services.teams }, { ...SERVICE_SURFACES, ...TEAM_CLIENT_SURFACES })
    : serveChannel(createIpcPort(window.webContents, ipcMain), services.services, SERVICE_SURFACES);
  window.on('closed', () => {
    channel.dispose();
    if (mainWindow === window) mainWindow = undefined;
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}

function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  dialog.showErrorBox('Odoo Change Monitor could not start', message);
  app.exit(1);
}
