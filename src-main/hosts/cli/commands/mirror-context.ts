/** Opens the mirror for the CLI's instance, sync and status commands (data directory from OCM_HOME). */
import type { ConnectionInput } from '../../../odoo/types';
import { dataDirectory } from '../../../store/data-directory';
import { createMirrorServices, type MirrorServices, type MirrorServicesOptions } from '../../../sync';
import type { CliIo } from '../command';
import type { ConnectionCheck } from '../../../common/services';

/** Seams for tests of the commands. */
export interface CliMirrorOptions {
  /** Replaces the real connection test. */
  checker?: (input: ConnectionInput) => Promise<ConnectionCheck[]>;
  /** Passed to createMirrorServices (e.g. a fake connection for the in-thread engine). */
  services?: Partial<MirrorServicesOptions>;
}

/** Opens the services without a running engine; the caller closes them. */
export async function openCliMirror(io: CliIo, options: CliMirrorOptions = {}): Promise<MirrorServices> {
  return createMirrorServices({
    dataDir: dataDirectory(io.env),
    engine: 'none',
    autoStart: false,
    ...(options.checker ? { checker: options.checker } : {}),
    ...options.services,
  });
}
