import { ipcMain, type IpcMainEvent, type WebContents } from 'electron';
import type { ChannelMessage, MessagePort } from '../../common/channel';

/** The IPC channel name shared with the preload. */
export const CHANNEL = 'ocm:channel';

/** A MessagePort onto one window's renderer, for `serveChannel`. Messages from other senders are ignored. */
export function createIpcPort(contents: WebContents): MessagePort {
  return {
    send(message: ChannelMessage) {
      if (!contents.isDestroyed()) contents.send(CHANNEL, message);
    },
    onMessage(listener) {
      const handler = (event: IpcMainEvent, message: ChannelMessage) => {
        if (event.sender === contents && isChannelMessage(message)) listener(message);
      };
      ipcMain.on(CHANNEL, handler);
      return { dispose: () => ipcMain.removeListener(CHANNEL, handler) };
    },
  };
}

// The renderer is untrusted input: only well-formed calls and subscriptions get through.
function isChannelMessage(value: unknown): value is ChannelMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  if (typeof message.id !== 'number') return false;
  switch (message.type) {
    case 'call':
      return typeof message.service === 'string' && typeof message.method === 'string' && Array.isArray(message.args);
    case 'listen':
      return typeof message.service === 'string' && typeof message.event === 'string';
    case 'unlisten':
      return true;
    default:
      return false;
  }
}
