import { app, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';

/**
 * The application menu. Workbench commands are run by the renderer's command registry, so menu items
 * only forward a command id (`ocm:command`); the renderer owns what each command does. The shell's own
 * actions (update checks) are passed in.
 */
export function installMenu(getWindow: () => BrowserWindow | undefined, actions: { checkForUpdates(): void }): void {
  const run = (command: string) => () => getWindow()?.webContents.send('ocm:command', command);
  const isMac = process.platform === 'darwin';
  const checkForUpdates: MenuItemConstructorOptions = { label: 'Check for Updates…', click: () => actions.checkForUpdates() };
  const template: MenuItemConstructorOptions[] = [
    // macOS keeps "Check for Updates…" in the app menu; elsewhere it is under Help.
    ...(isMac
      ? [{ label: app.name, submenu: [{ role: 'about' as const }, checkForUpdates, { type: 'separator' as const }, { role: 'services' as const }, { type: 'separator' as const }, { role: 'hide' as const }, { role: 'hideOthers' as const }, { role: 'unhide' as const }, { type: 'separator' as const }, { role: 'quit' as const }] }]
      : []),
    {
      label: 'File',
      submenu: [
        { label: 'Add Instance…', accelerator: 'CmdOrCtrl+Shift+N', click: run('instances.add') },
        { label: 'Export Report…', accelerator: 'CmdOrCtrl+E', click: run('reports.export') },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { label: 'Command Palette…', accelerator: 'CmdOrCtrl+Shift+P', click: run('workbench.commandPalette') },
        { label: 'Quick Open…', accelerator: 'CmdOrCtrl+P', click: run('workbench.quickOpen') },
        { type: 'separator' },
        { label: 'Changes', accelerator: 'CmdOrCtrl+Shift+C', click: run('view.changes') },
        { label: 'Errors', accelerator: 'CmdOrCtrl+Shift+E', click: run('view.errors') },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'togglefullscreen' },
      ],
    },
    { label: 'Sync', submenu: [{ label: 'Sync All Now', accelerator: 'F5', click: run('sync.all') }] },
    { role: 'windowMenu' },
    ...(isMac ? [] : [{ label: 'Help', submenu: [checkForUpdates] }]),
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
