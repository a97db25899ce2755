import { app, dialog, type BrowserWindow } from 'electron';
import { UpdateFlow, updateFeedOverride, type InstallChoice, type UpdateTrigger } from '../updates/update-flow';
import { updateStrings } from '../updates/update-strings';

/** What the shell does with updates: check now (at start or from the menu). */
export interface DesktopUpdates {
  check(trigger: UpdateTrigger): void;
}

/**
 * Wires electron-updater to the consent flow with native dialogs in the user's language. The feed is the
 * one electron-builder wrote into the app (GitHub Releases by default), or `OCM_UPDATE_FEED`. A build
 * that is not packaged has no feed: checks are skipped (electron-updater says so in the log).
 */
export function createDesktopUpdates(options: { window: () => BrowserWindow | undefined; language: () => Promise<string> }): DesktopUpdates {
  let flow: Promise<UpdateFlow> | undefined;
  const ask = async (dialogOptions: Electron.MessageBoxOptions): Promise<number> => {
    const window = options.window();
    const { response } = window ? await dialog.showMessageBox(window, dialogOptions) : await dialog.showMessageBox(dialogOptions);
    return response;
  };
  const words = async () => updateStrings(await options.language().catch(() => 'en'));

  const load = async (): Promise<UpdateFlow> => {
    // Loaded on first use: a broken or missing updater must never keep the app from starting.
    const { default: electronUpdater } = await import('electron-updater');
    const updater = electronUpdater.autoUpdater;
    const feed = updateFeedOverride(process.env);
    if (feed) updater.setFeedURL(feed);
    return new UpdateFlow(updater, {
      async offer(version, current) {
        const text = await words();
        return (await ask({ type: 'info', title: text.offerTitle, message: text.offerMessage(version, current), detail: text.offerDetail, buttons: [text.download, text.notNow], defaultId: 0, cancelId: 1 })) === 0;
      },
      async ready(version) {
        const text = await words();
        const choices: InstallChoice[] = ['now', 'at-quit', 'not'];
        const response = await ask({ type: 'info', title: text.readyTitle, message: text.readyMessage(version), detail: text.readyDetail, buttons: [text.restart, text.atQuit, text.skip], defaultId: 0, cancelId: 2 });
        return choices[response] ?? 'not';
      },
      async upToDate(current) {
        const text = await words();
        await ask({ type: 'info', title: text.upToDateTitle, message: text.upToDateMessage(current), buttons: [text.ok] });
      },
      async failed(message) {
        const text = await words();
        await ask({ type: 'warning', title: text.failedTitle, message: text.failedTitle, detail: `${text.failedDetail}\n\n${message}`, buttons: [text.ok] });
      },
    }, { currentVersion: app.getVersion(), log: (message) => console.warn(message) });
  };

  return {
    check(trigger) {
      flow ??= load();
      void flow.then(
        (ready) => ready.check(trigger),
        async (error: unknown) => {
          flow = undefined;
          console.warn(`updates unavailable: ${error instanceof Error ? error.message : String(error)}`);
          if (trigger === 'menu') {
            const text = await words();
            await ask({ type: 'warning', title: text.failedTitle, message: text.failedTitle, detail: String(error), buttons: [text.ok] });
          }
        },
      );
    },
  };
}
