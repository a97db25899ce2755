/** A minimal event primitive shared by services and their proxies (no Node or DOM dependency). */

/** Something that can be undone, e.g. an event subscription. */
export interface Disposable {
  dispose(): void;
}

/** Subscribes a listener; the returned Disposable unsubscribes it. */
export type Event<T> = (listener: (value: T) => void) => Disposable;

/** Owns an {@link Event} and fires it. Listener errors are isolated so one bad listener cannot stop others. */
export class Emitter<T> {
  private readonly listeners = new Set<(value: T) => void>();

  /** The subscribable side, handed out to consumers. */
  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        console.error('event listener failed', error);
      }
    }
  }

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  dispose(): void {
    this.listeners.clear();
  }
}

/** Resolves with the next value an event fires (tests and e2e hooks wait on events, never on sleeps). */
export function nextEvent<T>(event: Event<T>, predicate: (value: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const subscription = event((value) => {
      if (!predicate(value)) return;
      subscription.dispose();
      resolve(value);
    });
  });
}
