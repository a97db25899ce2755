/**
 * The application menu as data: workbench items send a declared command (`run`), which the renderer's
 * command registry runs; the shell's own actions (update checks) are passed in. Only types come from
 * 'electron' here, so the template is unit-tested without Electron (test/unit/hosts/menu-commands.test.ts).
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../common/menu-commands';

/** What the template needs. */
export interface MenuTemplateOptions {
  /** A click handler that sends `command` to the focused window's workbench. */
  run(command: MenuCommand): () => void;
  checkForUpdates(): void;
  isMac: boolean;
  appName: string;
}

/** The menu, File to Help (macOS: with the app menu first). */
export function menuTemplate({ run, checkForUpdates: check, isMac, appName }: MenuTemplateOptions): MenuItemConstructorOptions[] {
  const checkForUpdates: MenuItemConstructorOptions = { label: 'Check for Updates…', click: () => check() };
  // The workbench binds these keys itself (its command registry): the menu shows them without
  // registering them, so a key press runs its command once, wherever the focus is in the page.
  const command = (label: string, id: MenuCommand, accelerator: string): MenuItemConstructorOptions => ({ label, accelerator, registerAccelerator: false, click: run(id) });
  return [
    // macOS keeps "Check for Updates…" in the app menu; elsewhere it is under Help.
    ...(isMac
      ? [{ label: appName, submenu: [{ role: 'about' as const }, checkForUpdates, { type: 'separator' as const }, { role: 'services' as const }, { type: 'separator' as const }, { role: 'hide' as const }, { role: 'hideOthers' as const }, { role: 'unhide' as const }, { type: 'separator' as const }, { role: 'quit' as const }] }]
      : []),
    {
      label: 'File',
      submenu: [
        command('Add Instance…', 'instance.add', 'Alt+N'),
        command('Export…', 'timeline.export', 'CmdOrCtrl+E'),
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        command('Command Palette…', 'workbench.palette', 'CmdOrCtrl+Shift+P'),
        command('Quick Open…', 'workbench.quickOpen', 'CmdOrCtrl+P'),
        { type: 'separator' },
        command('Toggle Side Bar', 'view.toggleSidebar', 'CmdOrCtrl+B'),
        command('Toggle Panel', 'view.togglePanel', 'CmdOrCtrl+J'),
        { type: 'separator' },
        command('Changes', 'view.timelineAll', 'Alt+1'),
        command('Errors', 'view.errors', 'Alt+2'),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'togglefullscreen' },
      ],
    },
    { label: 'Sync', submenu: [command('Sync All Now', 'sync.all', 'F5')] },
    { role: 'windowMenu' },
    ...(isMac ? [] : [{ label: 'Help', submenu: [checkForUpdates] }]),
  ];
}
