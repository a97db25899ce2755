import { Database } from '../../../src-main/simulator/database';
import { OdooException } from '../../../src-main/simulator/errors';
import type { ModuleFlavour, OdooVersion } from '../../../src-main/simulator/types';
import { versionProfile } from '../../../src-main/simulator/versions';

/** A clock the test moves by hand. */
export class ManualClock {
  constructor(private time = Date.UTC(2026, 10, 30, 9, 51, 0)) {}
  now = (): Date => new Date(this.time);
  advance(seconds: number): void {
    this.time += seconds * 1000;
  }
}

/** A `seed`-like database with the module in the given flavour, of an Odoo version (default 18). */
export function makeDatabase(flavour: ModuleFlavour = 'original', clock = new ManualClock(), module = true, version: OdooVersion = 18): Database {
  return new Database({ name: 'seed', flavour, seed: 1, now: clock.now, module, profile: versionProfile(version) });
}

/** The Odoo exception an action raises (fails the test when it raises nothing or something else). */
export function caught(action: () => unknown): OdooException {
  try {
    action();
  } catch (error) {
    if (error instanceof OdooException) return error;
    throw error;
  }
  throw new Error('expected an Odoo exception');
}
