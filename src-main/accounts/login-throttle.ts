/**
 * Slows password guessing: after too many failed sign-ins for one login from one address (or from one
 * address in all), further attempts are refused until the window passes, before any password is checked.
 * Kept in memory: a restart forgets it, which costs a guesser a restart per window.
 */
import { OcmError } from '../common/errors';

/** Limits of a {@link LoginThrottle}. */
export interface ThrottleLimits {
  /** Failures allowed per login and address in a window (default 5). */
  perLogin: number;
  /** Failures allowed per address in a window, whatever the login (default 30). */
  perAddress: number;
  /** The window in milliseconds (default 15 minutes). */
  windowMs: number;
}

const DEFAULT_LIMITS: ThrottleLimits = { perLogin: 5, perAddress: 30, windowMs: 15 * 60_000 };

interface Counter {
  failures: number;
  since: number;
}

/** Counts failed sign-ins per login and address. */
export class LoginThrottle {
  readonly #limits: ThrottleLimits;
  readonly #counters = new Map<string, Counter>();
  readonly #now: () => number;

  constructor(limits: Partial<ThrottleLimits> = {}, now: () => number = Date.now) {
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
    this.#now = now;
  }

  /** Throws 'access-denied' (with when to retry) when this login or address made too many failures. */
  check(login: string, address: string): void {
    const now = this.#now();
    for (const [key, limit] of this.#keys(login, address)) {
      const counter = this.#live(key, now);
      if (counter && counter.failures >= limit) {
        const seconds = Math.ceil((counter.since + this.#limits.windowMs - now) / 1000);
        throw new OcmError('access-denied', `Too many failed sign-ins; try again in ${seconds} s.`, { hint: 'An admin can set a new password with `ocm user passwd`.', detail: String(seconds) });
      }
    }
  }

  /** Records a failed sign-in. */
  failed(login: string, address: string): void {
    const now = this.#now();
    // Guessing with ever new logins must not grow memory without end: expired counters go first.
    if (this.#counters.size > 10_000) for (const key of [...this.#counters.keys()]) this.#live(key, now);
    for (const [key] of this.#keys(login, address)) {
      const counter = this.#live(key, now) ?? { failures: 0, since: now };
      counter.failures++;
      this.#counters.set(key, counter);
    }
  }

  /** Forgets the failures of a login from an address after it signed in. */
  succeeded(login: string, address: string): void {
    this.#counters.delete(this.#keys(login, address)[0][0]);
  }

  #keys(login: string, address: string): [string, number][] {
    return [
      [`login:${login.trim().toLowerCase()}|${address}`, this.#limits.perLogin],
      [`address:${address}`, this.#limits.perAddress],
    ];
  }

  #live(key: string, now: number): Counter | undefined {
    const counter = this.#counters.get(key);
    if (counter && counter.since + this.#limits.windowMs <= now) {
      this.#counters.delete(key);
      return undefined;
    }
    return counter;
  }
}
