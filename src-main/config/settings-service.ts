/** The user's preferences ({@link ISettingsService}), persisted in the store. */
import { OcmError } from '../common/errors';
import { Emitter } from '../common/event';
import type { Settings } from '../common/model';
import type { ISettingsService } from '../common/services';
import type { Repositories } from '../store/ports';

/** User preferences in the store. */
export class SettingsService implements ISettingsService {
  readonly #changed = new Emitter<Settings>();
  readonly onDidChangeSettings = this.#changed.event;
  readonly #store: Pick<Repositories, 'settings'>;

  constructor(store: Pick<Repositories, 'settings'>) {
    this.#store = store;
  }

  async get(): Promise<Settings> {
    return this.#store.settings.get();
  }

  async update(patch: Partial<Settings>): Promise<Settings> {
    if (patch.language !== undefined && !['en', 'ar'].includes(patch.language)) throw new OcmError('invalid-input', `Unknown language "${patch.language}".`, { hint: 'Use en or ar.' });
    if (patch.theme !== undefined && !['system', 'dark', 'light', 'high-contrast'].includes(patch.theme)) throw new OcmError('invalid-input', `Unknown theme "${patch.theme}".`);
    if (patch.deleteConfirmThreshold !== undefined && (!Number.isInteger(patch.deleteConfirmThreshold) || patch.deleteConfirmThreshold < 0)) {
      throw new OcmError('invalid-input', 'The delete confirmation threshold must be a whole number of rows, 0 or more.');
    }
    if (patch.savedFilters !== undefined && !Array.isArray(patch.savedFilters)) throw new OcmError('invalid-input', 'Saved filters must be a list.');
    const settings = await this.#store.settings.update(patch);
    this.#changed.fire(settings);
    return settings;
  }
}
