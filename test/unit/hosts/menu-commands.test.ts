/**
 * Issue 14, item 17 (desktop menu): every item of the application menu reaches the workbench and runs
 * one of its commands. The menu template, the IPC sending, the preload's forwarding (through the IPC
 * port's seams, with stand-ins for Electron's webContents and ipcRenderer) and the workbench's real
 * command registry are wired as the app wires them; only declared commands cross.
 */
import { EventEmitter } from 'node:events';
import type { IpcRendererEvent, MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { MENU_CHANNEL, MENU_COMMANDS, type MenuCommand } from '../../../src-main/common/menu-commands';
import type { Services } from '../../../src-main/common/services';
import { forwardMenuCommands, sendMenuCommand } from '../../../src-main/hosts/electron/ipc-port';
import { menuTemplate } from '../../../src-main/hosts/electron/menu-template';
import { CommandRegistry } from '../../../src-renderer/commands/registry';
import { registerCommands } from '../../../src-renderer/workbench/controller';
import { WorkbenchStore } from '../../../src-renderer/workbench/store';

/** The menu, the IPC between main and preload, and the workbench's registry, wired as in the app. */
function wiredApp() {
  const ipc = new EventEmitter(); // stands in for the IPC pipe: main's webContents.send arrives at ipcRenderer.on
  const contents = { send: (channel: string, ...args: unknown[]) => ipc.emit(channel, {} as IpcRendererEvent, ...args), isDestroyed: () => false };
  const ran: string[] = [];
  let synced = 0;
  const store = new WorkbenchStore();
  const registry = new CommandRegistry();
  registerCommands(registry, store, { sync: { syncNow: async () => void synced++ } } as unknown as Services);
  forwardMenuCommands(ipc, (command) => {
    ran.push(command);
    void registry.execute(command);
  });
  const template = menuTemplate({ run: (command) => () => sendMenuCommand(contents, command), checkForUpdates: () => undefined, isMac: false, appName: 'Odoo Change Monitor' });
  return { ipc, ran, store, registry, template, synced: () => synced };
}

/** Every item of the menu with a click handler that sends a command, by label. */
function commandItems(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((menu) => (Array.isArray(menu.submenu) ? menu.submenu : [])).filter((item) => item.registerAccelerator === false);
}

/** Electron's accelerator as the workbench's keybinding notation ('CmdOrCtrl+Shift+P' → 'mod+shift+p'). */
const asKeybinding = (accelerator: string) => accelerator.split('+').map((part) => (part === 'CmdOrCtrl' ? 'mod' : part.toLowerCase())).join('+');

describe('the desktop menu (issue 14, item 17)', () => {
  it('sends only commands the workbench has, and each runs there', () => {
    const app = wiredApp();
    for (const command of MENU_COMMANDS) expect(app.registry.get(command), command).toBeDefined();
    const items = commandItems(app.template);
    expect(items.length).toBe(MENU_COMMANDS.length);
    for (const item of items) (item.click as () => void)();
    expect(new Set(app.ran)).toEqual(new Set(MENU_COMMANDS));
    expect(app.synced()).toBe(1);
  });

  it('shows the workbench\'s own keys, which the workbench binds (the menu does not register them twice)', () => {
    const app = wiredApp();
    for (const item of commandItems(app.template)) {
      (item.click as () => void)();
      const id = app.ran.at(-1)!;
      expect(asKeybinding(String(item.accelerator)), `${item.label} (${id})`).toBe(app.registry.get(id)!.keybinding);
    }
  });

  it('has "Toggle Side Bar" (Ctrl+B) in the View menu, hiding and showing the side bar', () => {
    const app = wiredApp();
    const view = app.template.find((menu) => menu.label === 'View')!;
    const toggle = (view.submenu as MenuItemConstructorOptions[]).find((item) => item.label === 'Toggle Side Bar')!;
    expect(toggle.accelerator).toBe('CmdOrCtrl+B');
    expect(app.store.getState().sidebarVisible).toBe(true);
    (toggle.click as () => void)();
    expect(app.store.getState().sidebarVisible).toBe(false);
    (toggle.click as () => void)();
    expect(app.store.getState().sidebarVisible).toBe(true);
  });

  it('lets nothing but declared commands through the preload', () => {
    const app = wiredApp();
    for (const stray of ['workbench.commandPalette', 'instances.add', 'reports.export', { toString: () => 'sync.all' }, 42]) app.ipc.emit(MENU_CHANNEL, {}, stray);
    app.ipc.emit('ocm:channel', {}, 'sync.all');
    expect(app.ran).toEqual([]);
    app.ipc.emit(MENU_CHANNEL, {}, 'sync.all' satisfies MenuCommand);
    expect(app.ran).toEqual(['sync.all']);
  });
});
