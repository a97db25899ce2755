/**
 * The preload exposes two things to the sandboxed, context-isolated renderer: a generic message port
 * onto the service channel (send a message, listen for messages), and the application menu's commands
 * (declared ones only). No Node API and no per-method IPC surface.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { MenuCommand } from '../../common/menu-commands';
import { CHANNEL, forwardMenuCommands } from './ipc-port';

contextBridge.exposeInMainWorld('ocm', {
  send(message: unknown): void {
    ipcRenderer.send(CHANNEL, message);
  },
  onMessage(listener: (message: unknown) => void): () => void {
    const handler = (_event: IpcRendererEvent, message: unknown) => listener(message);
    ipcRenderer.on(CHANNEL, handler);
    return () => ipcRenderer.removeListener(CHANNEL, handler);
  },
  onMenuCommand(listener: (command: MenuCommand) => void): () => void {
    return forwardMenuCommands(ipcRenderer, listener);
  },
});
