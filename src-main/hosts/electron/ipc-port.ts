/**
 * The Electron end of the channel: a MessagePort onto one window's renderer, for `serveChannel`. Only
 * types come from 'electron' here, so the port is unit-tested with a stand-in for `ipcMain`.
 */
import type { IpcMainEvent, IpcRendererEvent, WebContents } from 'electron';
import type { ChannelMessage, MessagePort } from '../../common/channel';
import { isMenuCommand, MENU_CHANNEL, type MenuCommand } from '../../common/menu-commands';

/** The IPC channel name shared with the preload. */
export const CHANNEL = 'ocm:channel';

/** The part of Electron's `ipcMain` the port uses. */
export interface IpcMainLike {
  on(channel: string, listener: (event: IpcMainEvent, message: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: IpcMainEvent, message: unknown) => void): unknown;
}

/** A MessagePort onto `contents` over `ipc` (Electron's `ipcMain`). Messages from other senders are ignored. */
export function createIpcPort(contents: Pick<WebContents, 'send' | 'isDestroyed'>, ipc: IpcMainLike): MessagePort {
  return {
    send(message: ChannelMessage) {
      if (!contents.isDestroyed()) contents.send(CHANNEL, message);
    },
    onMessage(listener) {
      const handler = (event: IpcMainEvent, message: unknown) => {
        if (event.sender === contents && isChannelMessage(message)) listener(message);
      };
      ipc.on(CHANNEL, handler);
      return { dispose: () => ipc.removeListener(CHANNEL, handler) };
    },
  };
}

// The renderer is untrusted input: only messages a peer may send get through, and only with an id to
// answer on; what they name and carry is then checked against the declared surface by serveChannel,
// which answers a malformed call with a coded error rather than leaving the renderer waiting.
function isChannelMessage(value: unknown): value is ChannelMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  return typeof message.id === 'number' && (message.type === 'call' || message.type === 'listen' || message.type === 'unlisten');
}

/** The part of Electron's `ipcRenderer` the preload's menu forwarding uses. */
export interface IpcRendererLike {
  on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
}

/** Sends a menu command to a window's renderer, on its own declared channel. */
export function sendMenuCommand(contents: Pick<WebContents, 'send' | 'isDestroyed'>, command: MenuCommand): void {
  if (!contents.isDestroyed()) contents.send(MENU_CHANNEL, command);
}

/**
 * The preload's side: hands the renderer the menu commands the main process sends, declared ones only
 * (a stray message on the channel is dropped). Returns how to stop.
 */
export function forwardMenuCommands(ipc: IpcRendererLike, listener: (command: MenuCommand) => void): () => void {
  const handler = (_event: IpcRendererEvent, command: unknown) => {
    if (isMenuCommand(command)) listener(command);
  };
  ipc.on(MENU_CHANNEL, handler);
  return () => ipc.removeListener(MENU_CHANNEL, handler);
}
