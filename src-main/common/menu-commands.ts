/**
 * The workbench commands the desktop application menu may run, and the IPC channel that carries them
 * (main → preload → renderer). Declared once here so the menu can only send commands the workbench has
 * (test/unit/hosts/menu-commands.test.ts clicks every menu item through the preload into the workbench's
 * command registry), and the preload forwards nothing else.
 */

/** The IPC channel of menu commands (apart from the service channel). */
export const MENU_CHANNEL = 'ocm:menu';

/** Every command id the menu may send; each is a command of the workbench's registry. */
export const MENU_COMMANDS = [
  'instance.add',
  'timeline.export',
  'workbench.palette',
  'workbench.quickOpen',
  'view.timelineAll',
  'view.errors',
  'view.toggleSidebar',
  'view.togglePanel',
  'sync.all',
] as const;

/** A command the menu may send. */
export type MenuCommand = (typeof MENU_COMMANDS)[number];

/** True for a declared menu command (what the preload lets through). */
export function isMenuCommand(value: unknown): value is MenuCommand {
  return typeof value === 'string' && (MENU_COMMANDS as readonly string[]).includes(value);
}
