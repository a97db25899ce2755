/**
 * The preload exposes exactly one thing to the sandboxed renderer: a generic message port onto the
 * service channel (send a message, listen for messages). No Node API and no per-method IPC surface.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNEL } from './ipc-port';

contextBridge.exposeInMainWorld('ocm', {
  send(message: unknown): void {
    ipcRenderer.send(CHANNEL, message);
  },
  onMessage(listener: (message: unknown) => void): () => void {
    const handler = (_event: IpcRendererEvent, message: unknown) => listener(message);
    ipcRenderer.on(CHANNEL, handler);
    return () => ipcRenderer.removeListener(CHANNEL, handler);
  },
});
