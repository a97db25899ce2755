/**
 * Picks the transport the workbench talks through: the Electron preload's bridge (`window.ocm`) on
 * desktop, or a WebSocket to the browser-mode server (token from `location.search`). Both end in the
 * generic channel, so the rest of the renderer never knows which host it runs in.
 */
import type { ChannelMessage, MessagePort } from '../../src-main/common/channel';
import type { Disposable } from '../../src-main/common/event';
import { OcmError } from '../../src-main/common/errors';
import type { MenuCommand } from '../../src-main/common/menu-commands';

/** What the Electron preload exposes on `window.ocm` (and nothing more). */
export interface PreloadBridge {
  send(message: ChannelMessage): void;
  /** Returns an unsubscribe function or a Disposable. */
  onMessage(listener: (message: ChannelMessage) => void): (() => void) | Disposable;
  /** The application menu's commands (desktop only; declared ones, see common/menu-commands.ts). */
  onMenuCommand?(listener: (command: MenuCommand) => void): () => void;
}

declare global {
  interface Window {
    ocm?: PreloadBridge;
  }
}

/** A connected port plus how to learn that it closed. */
export interface Connection {
  kind: 'electron' | 'browser';
  port: MessagePort;
  /** Fires once when the transport closes for good (a team server says why with the WebSocket close code). */
  onClose(listener: (code?: number) => void): void;
  close(): void;
}

/** Wraps the preload bridge as a channel port. */
export function connectElectron(bridge: PreloadBridge): Connection {
  return {
    kind: 'electron',
    port: {
      send: (message) => bridge.send(message),
      onMessage: (listener) => {
        const result = bridge.onMessage(listener);
        return typeof result === 'function' ? { dispose: result } : result;
      },
    },
    onClose: () => undefined,
    close: () => undefined,
  };
}

/** Opens the browser-mode WebSocket; resolves once it is open. */
export function connectWebSocket(location: Location): Promise<Connection> {
  const token = new URLSearchParams(location.search).get('token');
  if (!token) return Promise.reject(new OcmError('access-denied', 'missing-token'));
  return openChannelSocket(location, `/channel?token=${encodeURIComponent(token)}`);
}

/** Opens a team server's WebSocket: the session cookie goes with it (same origin), no token. */
export function connectTeamWebSocket(location: Location): Promise<Connection> {
  return openChannelSocket(location, '/channel');
}

function openChannelSocket(location: Location, path: string): Promise<Connection> {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(`${scheme}//${location.host}${path}`);
  const listeners = new Set<(message: ChannelMessage) => void>();
  const closeListeners = new Set<(code?: number) => void>();
  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') return;
    let message: ChannelMessage;
    try {
      message = JSON.parse(event.data) as ChannelMessage;
    } catch {
      return;
    }
    for (const listener of [...listeners]) listener(message);
  });
  socket.addEventListener('close', (event) => {
    for (const listener of [...closeListeners]) listener(event.code);
  });
  const connection: Connection = {
    kind: 'browser',
    port: {
      send: (message) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
      },
      onMessage: (listener) => {
        listeners.add(listener);
        return { dispose: () => listeners.delete(listener) };
      },
    },
    onClose: (listener) => closeListeners.add(listener),
    close: () => socket.close(),
  };
  return new Promise((resolve, reject) => {
    socket.addEventListener('open', () => resolve(connection), { once: true });
    socket.addEventListener('error', () => reject(new OcmError('network-refused', 'websocket')), { once: true });
  });
}

/** Connects through whichever host the page runs in. */
export function connect(): Promise<Connection> {
  if (window.ocm) return Promise.resolve(connectElectron(window.ocm));
  return connectWebSocket(window.location);
}
