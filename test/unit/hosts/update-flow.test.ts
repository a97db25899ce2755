/**
 * The desktop app's update flow over a stand-in for electron-updater (which needs a running Electron):
 * nothing is downloaded or installed without the user's yes, checks at start stay quiet unless there is
 * an update, and checks from the menu always answer.
 */
import { describe, expect, it } from 'vitest';
import { UpdateFlow, updateFeedOverride, type InstallChoice, type Updater, type UpdatePrompts } from '../../../src-main/hosts/updates/update-flow';
import { updateStrings } from '../../../src-main/hosts/updates/update-strings';

/** An updater whose feed offers `latest` (or fails with `failure`), recording what it was asked to do. */
function updater(options: { latest?: string; failure?: Error } = {}) {
  const calls: string[] = [];
  const fake: Updater & { calls: string[] } = {
    calls,
    autoDownload: true,
    autoInstallOnAppQuit: true,
    async checkForUpdates() {
      calls.push('check');
      if (options.failure) throw options.failure;
      return options.latest ? { isUpdateAvailable: true, updateInfo: { version: options.latest } } : { isUpdateAvailable: false, updateInfo: { version: '1.0.0' } };
    },
    async downloadUpdate() {
      calls.push('download');
      return [];
    },
    quitAndInstall(isSilent, isForceRunAfter) {
      calls.push(`quitAndInstall(${isSilent}, ${isForceRunAfter})`);
    },
  };
  return fake;
}

/** Prompts that answer as told and record what they were shown. */
function prompts(answers: { download?: boolean; install?: InstallChoice } = {}) {
  const shown: string[] = [];
  const fake: UpdatePrompts & { shown: string[] } = {
    shown,
    async offer(version, current) {
      shown.push(`offer ${version} over ${current}`);
      return answers.download ?? false;
    },
    async ready(version) {
      shown.push(`ready ${version}`);
      return answers.install ?? 'not';
    },
    async upToDate(current) {
      shown.push(`up to date ${current}`);
    },
    async failed(message) {
      shown.push(`failed: ${message}`);
    },
  };
  return fake;
}

const current = { currentVersion: '1.0.0' };

describe('UpdateFlow', () => {
  it('turns off electron-updater’s automatic download and install-on-quit', () => {
    const feed = updater();
    new UpdateFlow(feed, prompts(), current);
    expect(feed.autoDownload).toBe(false);
    expect(feed.autoInstallOnAppQuit).toBe(false);
  });

  it('says nothing at start when there is no update, and answers from the menu', async () => {
    const quiet = prompts();
    expect(await new UpdateFlow(updater(), quiet, current).check('start')).toBe('up-to-date');
    expect(quiet.shown).toEqual([]);
    const asked = prompts();
    expect(await new UpdateFlow(updater(), asked, current).check('menu')).toBe('up-to-date');
    expect(asked.shown).toEqual(['up to date 1.0.0']);
  });

  it('downloads nothing when the user declines the offer', async () => {
    const feed = updater({ latest: '1.2.0' });
    const user = prompts({ download: false });
    expect(await new UpdateFlow(feed, user, current).check('start')).toBe('declined');
    expect(feed.calls).toEqual(['check']);
    expect(user.shown).toEqual(['offer 1.2.0 over 1.0.0']);
  });

  it('downloads on yes, then installs only as the user chooses: never, at quit, or now', async () => {
    const never = updater({ latest: '1.2.0' });
    expect(await new UpdateFlow(never, prompts({ download: true, install: 'not' }), current).check('start')).toBe('not-installed');
    expect(never.calls).toEqual(['check', 'download']);
    expect(never.autoInstallOnAppQuit).toBe(false);

    const atQuit = updater({ latest: '1.2.0' });
    expect(await new UpdateFlow(atQuit, prompts({ download: true, install: 'at-quit' }), current).check('menu')).toBe('install-at-quit');
    expect(atQuit.calls).toEqual(['check', 'download']);
    expect(atQuit.autoInstallOnAppQuit).toBe(true);

    const now = updater({ latest: '1.2.0' });
    const user = prompts({ download: true, install: 'now' });
    expect(await new UpdateFlow(now, user, current).check('menu')).toBe('installing');
    expect(now.calls).toEqual(['check', 'download', 'quitAndInstall(false, true)']);
    expect(user.shown).toEqual(['offer 1.2.0 over 1.0.0', 'ready 1.2.0']);
  });

  it('logs a failed check at start, and tells the user when they asked from the menu', async () => {
    const logged: string[] = [];
    const quiet = prompts();
    const failure = new Error('net::ERR_INTERNET_DISCONNECTED');
    expect(await new UpdateFlow(updater({ failure }), quiet, { ...current, log: (line) => logged.push(line) }).check('start')).toBe('failed');
    expect(quiet.shown).toEqual([]);
    expect(logged).toEqual(['update check (start) failed: net::ERR_INTERNET_DISCONNECTED']);
    const asked = prompts();
    expect(await new UpdateFlow(updater({ failure }), asked, current).check('menu')).toBe('failed');
    expect(asked.shown).toEqual(['failed: net::ERR_INTERNET_DISCONNECTED']);
  });

  it('runs one check at a time', async () => {
    const flow = new UpdateFlow(updater({ latest: '1.2.0' }), prompts({ download: false }), current);
    const [first, second] = await Promise.all([flow.check('start'), flow.check('menu')]);
    expect([first, second]).toEqual(['declined', 'busy']);
    expect(await flow.check('menu')).toBe('declined');
  });
});

describe('update feed and words', () => {
  it('uses OCM_UPDATE_FEED as a generic feed when set', () => {
    expect(updateFeedOverride({})).toBeUndefined();
    expect(updateFeedOverride({ OCM_UPDATE_FEED: ' https://updates.example.com/ocm/ ' })).toEqual({ provider: 'generic', url: 'https://updates.example.com/ocm/' });
  });

  it('asks in Arabic or English', () => {
    expect(updateStrings('ar').offerMessage('1.2.0', '1.0.0')).toBe('يتوفر الإصدار 1.2.0 من مراقب تغييرات أودو (لديك الإصدار 1.0.0).');
    expect(updateStrings('en').download).toBe('Download');
    expect(updateStrings('fr')).toBe(updateStrings('en'));
  });
});
