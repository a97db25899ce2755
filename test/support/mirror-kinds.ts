/**
 * The mirrors a feature that runs on both stores is tested on: a SQLite file (the default, in the data
 * folder) and a PostgreSQL database on a throwaway cluster, the latter only where PostgreSQL can run
 * here (see postgresSkipReason; CI requires it).
 */
import type { MirrorLocation } from '../../src-main/hosts/mirror-store';
import { postgresSkipReason, startTestPostgres } from './postgres';

/** A store to run a suite on: `start` gives the location (undefined: the data folder's SQLite file). */
export interface MirrorKind {
  name: 'SQLite' | 'PostgreSQL';
  start(): Promise<{ database?: MirrorLocation; stop(): Promise<void> }>;
}

const skip = postgresSkipReason();
if (skip) console.warn(skip);

/** SQLite always; PostgreSQL where it runs. */
export const MIRROR_KINDS: readonly MirrorKind[] = [
  { name: 'SQLite', start: async () => ({ stop: async () => undefined }) },
  ...(skip
    ? []
    : [
        {
          name: 'PostgreSQL' as const,
          async start() {
            const server = await startTestPostgres();
            return { database: { kind: 'postgres' as const, url: await server.createDatabase() }, stop: () => server.stop() };
          },
        },
      ]),
];
