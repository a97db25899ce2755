/**
 * What `npm test` needs from the machine besides Node (a Chromium-based browser for the end-to-end tests
 * and PDF reports, poppler's pdftoppm/pdfinfo to look at the PDF pages, Python 3 for the addon checks),
 * how to find each, and the exact command that installs what is missing on this platform.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { findBrowser, type BrowserSearchOptions } from '../src-main/reports/browser-finder';

/** A program the test suite needs. */
export type Prerequisite = 'browser' | 'poppler' | 'python';

/** The platforms whose install command is known; 'linux' is any other Linux. */
export type InstallPlatform = 'debian' | 'ubuntu' | 'fedora' | 'macos' | 'windows' | 'linux';

/** What each prerequisite is for, in the message. */
export const PURPOSE: Readonly<Record<Prerequisite, string>> = {
  browser: 'a Chromium-based browser (Chrome, Chromium, Edge or Brave): end-to-end tests and PDF reports',
  poppler: "poppler's pdftoppm and pdfinfo: the PDF report tests look at the pages",
  python: 'Python 3: the auto_webhook addon checks',
};

/** The platform to give install commands for, from Node's platform and /etc/os-release's text. */
export function installPlatform(platform: NodeJS.Platform, osRelease = ''): InstallPlatform {
  if (platform === 'win32') return 'windows';
  if (platform === 'darwin') return 'macos';
  const field = (name: string) => new RegExp(`^${name}=["']?([^"'\\n]*)`, 'm').exec(osRelease)?.[1]?.toLowerCase().split(/\s+/) ?? [];
  const ids = [...field('ID'), ...field('ID_LIKE')];
  // Ubuntu and its derivatives say ID_LIKE="ubuntu debian": Ubuntu's Chromium comes as a snap.
  if (ids.includes('ubuntu')) return 'ubuntu';
  if (ids.includes('debian')) return 'debian';
  if (ids.some((id) => ['fedora', 'rhel', 'centos'].includes(id))) return 'fedora';
  return 'linux';
}

/** The command lines that install `missing` on `platform` (several when one package manager cannot do it all). */
export function installCommands(platform: InstallPlatform, missing: readonly Prerequisite[], options: { root?: boolean } = {}): string[] {
  const sudo = options.root ? '' : 'sudo ';
  const has = (prerequisite: Prerequisite) => missing.includes(prerequisite);
  const packages = (names: Partial<Record<Prerequisite, string>>) => missing.flatMap((prerequisite) => (names[prerequisite] ? [names[prerequisite]] : []));
  switch (platform) {
    case 'debian':
      return [`${sudo}apt-get install -y ${packages({ browser: 'chromium', poppler: 'poppler-utils', python: 'python3' }).join(' ')}`];
    case 'ubuntu': {
      const commands: string[] = [];
      const apt = packages({ poppler: 'poppler-utils', python: 'python3' });
      if (apt.length) commands.push(`${sudo}apt-get install -y ${apt.join(' ')}`);
      if (has('browser')) commands.push(`${sudo}snap install chromium`);
      return commands;
    }
    case 'fedora':
      return [`${sudo}dnf install -y ${packages({ browser: 'chromium', poppler: 'poppler-utils', python: 'python3' }).join(' ')}`];
    case 'macos': {
      const commands: string[] = [];
      const formulae = packages({ poppler: 'poppler', python: 'python' });
      if (formulae.length) commands.push(`brew install ${formulae.join(' ')}`);
      if (has('browser')) commands.push('brew install --cask google-chrome');
      return commands;
    }
    case 'windows':
      return missing.map(
        (prerequisite) =>
          `winget install -e --id ${{ browser: 'Google.Chrome', poppler: 'oschwartz10612.Poppler', python: 'Python.Python.3.12' }[prerequisite]}`,
      );
    case 'linux':
      return [`Install with your package manager: ${packages({ browser: 'Chromium (or Google Chrome)', poppler: 'poppler (pdftoppm, pdfinfo)', python: 'Python 3' }).join(', ')}`];
  }
}

/** How to run Python 3 here: `python3`, else (Windows' installers) `python` or `py -3`; undefined when none runs. */
export function findPython(): string[] | undefined {
  const candidates = process.platform === 'win32' ? [['python3'], ['python'], ['py', '-3']] : [['python3']];
  return candidates.find(([command, ...args]) => /^Python 3\./.test(runs(command, [...args, '--version']) ?? ''));
}

/** The prerequisites missing on this machine. */
export function missingPrerequisites(search: BrowserSearchOptions = {}): Prerequisite[] {
  const missing: Prerequisite[] = [];
  if (!findBrowser(search).found) missing.push('browser');
  if (runs('pdftoppm', ['-v']) === undefined || runs('pdfinfo', ['-v']) === undefined) missing.push('poppler');
  if (!findPython()) missing.push('python');
  return missing;
}

/** The text of /etc/os-release, or '' where there is none. */
export function readOsRelease(): string {
  try {
    return readFileSync('/etc/os-release', 'utf8');
  } catch {
    return '';
  }
}

/** What `command args` prints (stdout and stderr), or undefined when it cannot be started. */
function runs(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  return result.error ? undefined : `${result.stdout}${result.stderr}`.trim();
}
