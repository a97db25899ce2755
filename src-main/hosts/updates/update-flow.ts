/**
 * The update flow of the desktop app, apart from Electron: check the feed, offer a newer version, download
 * it only when the user says so, and install it only when the user says so (now, or when the app quits).
 * Nothing is ever downloaded or installed on its own. Checks at start are quiet unless there is an update;
 * checks from the menu always answer. The Electron host wires electron-updater and native dialogs to it.
 */

/** What the flow needs of electron-updater's `autoUpdater` (it satisfies this as is). */
export interface Updater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  checkForUpdates(): Promise<{ isUpdateAvailable: boolean; updateInfo: { version: string } } | null>;
  downloadUpdate(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
}

/** When the user wants a downloaded update installed. */
export type InstallChoice = 'now' | 'at-quit' | 'not';

/** The questions and notices the flow puts to the user (native dialogs in the app, fakes in tests). */
export interface UpdatePrompts {
  /** Offers `version`: true to download it (installing is asked afterwards). */
  offer(version: string, current: string): Promise<boolean>;
  /** `version` is downloaded: install it now (restarting), when the app quits, or not at all. */
  ready(version: string): Promise<InstallChoice>;
  /** Nothing newer than `current` (menu checks only). */
  upToDate(current: string): Promise<void>;
  /** The check or the download failed (menu checks only; a check at start only logs). */
  failed(message: string): Promise<void>;
}

/** How a check ended. */
export type UpdateOutcome = 'up-to-date' | 'declined' | 'installing' | 'install-at-quit' | 'not-installed' | 'failed' | 'busy';

/** Who asked for the check: the app at start (quiet) or the user from the menu. */
export type UpdateTrigger = 'start' | 'menu';

/** Runs update checks one at a time over an {@link Updater}. */
export class UpdateFlow {
  private running = false;

  constructor(
    private readonly updater: Updater,
    private readonly prompts: UpdatePrompts,
    private readonly options: { currentVersion: string; log?: (message: string) => void },
  ) {
    // Consent first: electron-updater's defaults download at once and install on quit.
    updater.autoDownload = false;
    updater.autoInstallOnAppQuit = false;
  }

  /** Checks the feed and walks the user through what follows. A check already running makes this one 'busy'. */
  async check(trigger: UpdateTrigger): Promise<UpdateOutcome> {
    if (this.running) return 'busy';
    this.running = true;
    try {
      return await this.#check(trigger);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.options.log?.(`update check (${trigger}) failed: ${message}`);
      if (trigger === 'menu') await this.prompts.failed(message);
      return 'failed';
    } finally {
      this.running = false;
    }
  }

  async #check(trigger: UpdateTrigger): Promise<UpdateOutcome> {
    const current = this.options.currentVersion;
    const result = await this.updater.checkForUpdates();
    if (!result?.isUpdateAvailable) {
      if (trigger === 'menu') await this.prompts.upToDate(current);
      return 'up-to-date';
    }
    const version = result.updateInfo.version;
    if (!(await this.prompts.offer(version, current))) return 'declined';
    await this.updater.downloadUpdate();
    const choice = await this.prompts.ready(version);
    if (choice === 'now') {
      this.updater.quitAndInstall(false, true);
      return 'installing';
    }
    if (choice === 'at-quit') {
      this.updater.autoInstallOnAppQuit = true;
      return 'install-at-quit';
    }
    return 'not-installed';
  }
}

/** The feed to use instead of the one built into the app (app-update.yml): `OCM_UPDATE_FEED`, a generic server's URL. */
export function updateFeedOverride(env: Readonly<Record<string, string | undefined>>): { provider: 'generic'; url: string } | undefined {
  const url = env.OCM_UPDATE_FEED?.trim();
  return url ? { provider: 'generic', url } : undefined;
}
