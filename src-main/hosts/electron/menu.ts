import { app, Menu, type BrowserWindow } from 'electron';
import { sendMenuCommand } from './ipc-port';
import { menuTemplate } from './menu-template';

/**
 * Installs the application menu. Workbench commands are run by the renderer's command registry, so menu
 * items only send a declared command id on the menu channel (the preload forwards it); the shell's own
 * actions (update checks) are passed in.
 */
export function installMenu(getWindow: () => BrowserWindow | undefined, actions: { checkForUpdates(): void }): void {
  const template = menuTemplate({
    run: (command) => () => {
      const window = getWindow();
      if (window) sendMenuCommand(window.webContents, command);
    },
    checkForUpdates: () => actions.checkForUpdates(),
    isMac: process.platform === 'darwin',
    appName: app.name,
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
