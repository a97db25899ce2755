/**
 * One generic channel that carries every service over any message transport (Electron IPC, WebSocket,
 * in-memory), so no method is wired by hand in three places. The server side serves exactly each
 * service's declared surface (services.ts): a call of anything else is refused with 'not-found', and
 * every argument is checked before the service sees it ('invalid-input'). The client side builds typed
 * proxies from the contracts. Errors travel in an `{ok, value | error}` envelope and are rebuilt as
 * OcmError on the other side.
 */
import { errorFromJSON, OcmError, toOcmError, type SerializedError } from './errors';
import type { Disposable, Event } from './event';
import type { Surface } from './services';
import { invalid, type Check } from './validation';

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

/** The surfaces of the services a channel serves, by the same names. */
export type Surfaces<S> = { readonly [K in keyof S]: Surface<S[K]> };

/** `object[key]` when `key` is the object's own property: never a member inherited from Object.prototype. */
function own<T>(object: Readonly<Record<string, T>>, key: unknown): T | undefined {
  return typeof key === 'string' && Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

/** The arguments after their checks, or an 'invalid-input' error naming the first one that is wrong. */
function checkedArguments(checks: readonly Check<unknown>[], args: unknown, name: string): unknown[] {
  if (!Array.isArray(args)) return invalid(`the arguments of ${name}`, 'must be a list');
  if (args.length > checks.length) return invalid(name, `takes at most ${checks.length} argument${checks.length === 1 ? '' : 's'}, not ${args.length}`);
  return checks.map((check, index) => check(args[index], `${name} argument ${index + 1}`));
}

/**
 * Serves `services` (channel name → implementation) to the peer on `port`, limited to their `surfaces`.
 * Returns a Disposable that drops every subscription the peer made (call it when the peer disconnects).
 */
export function serveChannel<S extends object>(port: MessagePort, services: S, surfaces: Surfaces<S>): Disposable {
  const subscriptions = new Map<number, Disposable>();
  const declared = surfaces as unknown as Readonly<Record<string, Surface<unknown>>>;
  const implementations = services as unknown as Readonly<Record<string, Record<string, unknown>>>;

  const reply = (id: number, result: Promise<unknown>) => {
    result.then(
      (value) => port.send({ type: 'reply', id, ok: true, value: value === undefined ? null : value }),
      (error: unknown) => port.send({ type: 'reply', id, ok: false, error: toOcmError(error).toJSON() }),
    );
  };

  const listener = port.onMessage((message) => {
    if (typeof message !== 'object' || message === null || typeof message.id !== 'number') return;
    switch (message.type) {
      case 'call': {
        const name = `${String(message.service)}.${String(message.method)}`;
        const surface = own(declared, message.service);
        const checks = surface ? own(surface.methods as Readonly<Record<string, readonly Check<unknown>[]>>, message.method) : undefined;
        const service = checks ? own(implementations, message.service) : undefined;
        const method = service?.[message.method];
        if (!checks || typeof method !== 'function') {
          reply(message.id, Promise.reject(new OcmError('not-found', `Unknown call ${name}.`)));
          return;
        }
        reply(message.id, (async () => (method as (...args: unknown[]) => unknown).apply(service, checkedArguments(checks, message.args, name)))());
        return;
      }
      case 'listen': {
        const surface = own(declared, message.service);
        const event = surface?.events.includes(message.event as never) ? own(implementations, message.service)?.[message.event] : undefined;
        if (typeof event !== 'function') {
          reply(message.id, Promise.reject(new OcmError('not-found', `Unknown event ${String(message.service)}.${String(message.event)}.`)));
          return;
        }
        subscriptions.get(message.id)?.dispose();
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
 * Two connected in-memory ports (tests). Messages are JSON-cloned and delivered asynchronously, so the
 * in-memory path enforces the same plain-JSON rule and the same ordering as the real transports.
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
