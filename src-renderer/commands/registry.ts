/**
 * The one command registry: every action of the workbench is a command here, so the palette lists
 * them all and keybindings are declared next to what they run.
 */
import type { MessageKey } from '../i18n';

/** A workbench command. */
export interface Command {
  id: string;
  title: MessageKey;
  category: MessageKey;
  /** e.g. 'mod+shift+p' (mod = Ctrl, or Cmd on macOS), 'f5', 'alt+1'. */
  keybinding?: string;
  /** Hidden from the palette when false (e.g. needs an open timeline). */
  when?: () => boolean;
  run(): void | Promise<void>;
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** Holds the commands and dispatches keyboard shortcuts to them. */
export class CommandRegistry {
  private readonly commands = new Map<string, Command>();

  register(command: Command): () => void {
    this.commands.set(command.id, command);
    return () => this.commands.delete(command.id);
  }

  list(): Command[] {
    return [...this.commands.values()].filter((command) => command.when?.() ?? true);
  }

  get(id: string): Command | undefined {
    return this.commands.get(id);
  }

  async execute(id: string): Promise<void> {
    const command = this.commands.get(id);
    if (command && (command.when?.() ?? true)) await command.run();
  }

  /** Runs the command bound to this key press; true when one ran (the caller prevents the default). */
  dispatch(event: KeyboardEvent): boolean {
    const pressed = describeKey(event);
    for (const command of this.commands.values()) {
      if (command.keybinding === pressed && (command.when?.() ?? true)) {
        void command.run();
        return true;
      }
    }
    return false;
  }
}

/** Normalizes a key press to the registry's notation ('mod+shift+p'). */
export function describeKey(event: Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): string {
  const parts: string[] = [];
  if (isMac ? event.metaKey : event.ctrlKey) parts.push('mod');
  if (isMac && event.ctrlKey) parts.push('ctrl');
  if (event.altKey) parts.push('alt');
  if (event.shiftKey) parts.push('shift');
  // `code` keeps shortcuts working on Arabic keyboard layouts, where `key` is an Arabic letter.
  const key = event.code.startsWith('Key') ? event.code.slice(3).toLowerCase() : event.code.startsWith('Digit') ? event.code.slice(5) : event.key.toLowerCase();
  parts.push(key === 'backquote' ? '`' : key);
  return parts.join('+');
}

/** A keybinding as the user reads it ('Ctrl+Shift+P' or '⌘⇧P'). */
export function formatKeybinding(binding: string): string {
  return binding
    .split('+')
    .map((part) => {
      if (part === 'mod') return isMac ? '⌘' : 'Ctrl';
      if (part === 'shift') return isMac ? '⇧' : 'Shift';
      if (part === 'alt') return isMac ? '⌥' : 'Alt';
      if (part === 'ctrl') return '⌃';
      return part.length === 1 ? part.toUpperCase() : part.charAt(0).toUpperCase() + part.slice(1);
    })
    .join(isMac ? '' : '+');
}
