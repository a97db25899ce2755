/**
 * One generic channel that carries every service over any message transport (Electron IPC, WebSocket,
 * in-memory), so no method is wired by hand in three places. The server side dispatches calls and event
 * subscriptions to plain service objects; the client side builds typed proxies from the contracts.
 * Errors travel in an `{ok, value | error}` envelope and are rebuilt as OcmError on the other side.
 */
import { errorFromJSON, OcmError, toOcmError, type SerializedError } from './errors';
import type { Disposable, Event } from './event';

/** A message on the channel. */
export type ChannelMessage =
  | { type: 'call'; id: number; service: string; method: string; args: unknown[] }
  | { type: 'listen'; id: number; service: string; event: string }
  | { type: 'unlisten'; id: number }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: SerializedError }
  | { type: 'event'; id: number; value: unknown };

/** The one thing a transport must provide: send a message, and hear messages from the other side. */
export interface MessagePort {
  send(message: ChannelMessage): void;
  onMessage(listener: (message: ChannelMessage) => void): Disposable;
}

const EVENT_PREFIX = 'onDid';

function isCallable(service: object, name: string): boolean {
  // Only the service's own API: no private-by-convention names, no Object.prototype members.
  if (name.startsWith('_') || name === 'constructor' || name in Object.prototype) return false;
  return typeof (service as Record<string, unknown>)[name] === 'function';
}

/**
 * Serves `services` (channel name → implementation) to the peer on `port`. Returns a Disposable that
 * drops every subscription the peer made (call it when the peer disconnects).
 */
export function serveChannel(port: MessagePort, services: Readonly<Record<string, object>>): Disposable {
  const subscriptions = new Map<number, Disposable>();

  const reply = (id: number, result: Promise<unknown>) => {
    result.then(
      (value) => port.send({ type: 'reply', id, ok: true, value: value === undefined ? null : value }),
      (error: unknown) => port.send({ type: 'reply', id, ok: false, error: toOcmError(error).toJSON() }),
    );
  };

  const listener = port.onMessage((message) => {
    switch (message.type) {
      case 'call': {
        const service = services[message.service];
        if (!service || message.method.startsWith(EVENT_PREFIX) || !isCallable(service, message.method)) {
          reply(message.id, Promise.reject(new OcmError('not-found', `Unknown call ${message.service}.${message.method}.`)));
          return;
        }
        const method = (service as Record<string, (...args: unknown[]) => unknown>)[message.method];
        reply(message.id, (async () => method.apply(service, Array.isArray(message.args) ? message.args : []))());
        return;
      }
      case 'listen': {
        const service = services[message.service] as Record<string, unknown> | undefined;
        const event = service?.[message.event];
        if (!message.event.startsWith(EVENT_PREFIX) || typeof event !== 'function') {
          reply(message.id, Promise.reject(new OcmError('not-found', `Unknown event ${message.service}.${message.event}.`)));
          return;
        }
        subscriptions.set(
          message.id,
          (event as Event<unknown>)((value) => port.send({ type: 'event', id: message.id, value })),
        );
        return;
      }
      case 'unlisten':
        subscriptions.get(message.id)?.dispose();
        subscriptions.delete(message.id);
        return;
      default:
        return;
    }
  });

  return {
    dispose() {
      listener.dispose();
      for (const subscription of subscriptions.values()) subscription.dispose();
      subscriptions.clear();
    },
  };
}

/** The client end of a channel: makes typed proxies for services served by {@link serveChannel}. */
export class ChannelClient implements Disposable {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();
  private readonly listeners = new Map<number, (value: unknown) => void>();
  private readonly subscription: Disposable;

  constructor(private readonly port: MessagePort) {
    this.subscription = port.onMessage((message) => this.receive(message));
  }

  /** A proxy whose methods call `service` on the peer and whose `onDid…` members are events. */
  proxy<T extends object>(service: string): T {
    const cache = new Map<string, unknown>();
    return new Proxy({} as T, {
      get: (_target, property) => {
        if (typeof property !== 'string' || property === 'then') return undefined;
        if (!cache.has(property)) {
          cache.set(
            property,
            property.startsWith(EVENT_PREFIX) ? this.event(service, property) : (...args: unknown[]) => this.call(service, property, args),
          );
        }
        return cache.get(property);
      },
    });
  }

  /** Calls a method on the peer. */
  call(service: string, method: string, args: unknown[]): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.port.send({ type: 'call', id, service, method, args });
    });
  }

  /** Rejects every pending call (the transport closed). */
  failPending(error: OcmError): void {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }

  dispose(): void {
    this.failPending(new OcmError('cancelled', 'The connection to the app closed.'));
    this.subscription.dispose();
    this.listeners.clear();
  }

  private event(service: string, event: string): Event<unknown> {
    return (listener) => {
      const id = this.nextId++;
      this.listeners.set(id, listener);
      this.port.send({ type: 'listen', id, service, event });
      return {
        dispose: () => {
          if (this.listeners.delete(id)) this.port.send({ type: 'unlisten', id });
        },
      };
    };
  }

  private receive(message: ChannelMessage): void {
    if (message.type === 'event') {
      this.listeners.get(message.id)?.(message.value);
      return;
    }
    if (message.type !== 'reply') return;
    const pending = this.pending.get(message.id);
    if (pending) {
      this.pending.delete(message.id);
      if (message.ok) pending.resolve(message.value);
      else pending.reject(errorFromJSON(message.error));
      return;
    }
    // A failed `listen` replies on the listener's id.
    if (!message.ok && this.listeners.delete(message.id)) console.error(errorFromJSON(message.error).message);
  }
}

/**
 * Two connected in-memory ports (tests, and the CLI driving services in-process). Messages are
 * JSON-cloned and delivered asynchronously, so the in-memory path enforces the same plain-JSON
 * rule and the same ordering as the real transports.
 */
export function createInMemoryPorts(): [MessagePort, MessagePort] {
  type Listener = (message: ChannelMessage) => void;
  const port = (own: Set<Listener>, peer: Set<Listener>): MessagePort => ({
    send(message) {
      const copy = JSON.parse(JSON.stringify(message)) as ChannelMessage;
      queueMicrotask(() => {
        for (const listener of [...peer]) listener(copy);
      });
    },
    onMessage(listener) {
      own.add(listener);
      return { dispose: () => own.delete(listener) };
    },
  });
  const first = new Set<Listener>();
  const second = new Set<Listener>();
  return [port(first, second), port(second, first)];
}
