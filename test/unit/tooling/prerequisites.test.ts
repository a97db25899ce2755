/**
 * `npm test`'s prerequisite check: the platform read from /etc/os-release, the install command for each
 * platform, and the real script stopping at once with that command when the programs are missing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installCommands, installPlatform, readOsRelease, type Prerequisite } from '../../../scripts/prerequisites';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const ALL: Prerequisite[] = ['browser', 'poppler', 'python'];

describe('installPlatform', () => {
  it.each([
    ['Debian', 'PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nID=debian\nVERSION_ID="13"\n', 'debian'],
    ['Ubuntu', 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n', 'ubuntu'],
    ['Linux Mint (an Ubuntu)', 'ID=linuxmint\nID_LIKE="ubuntu debian"\n', 'ubuntu'],
    ['Fedora', 'NAME="Fedora Linux"\nID=fedora\n', 'fedora'],
    ['Rocky Linux', 'ID="rocky"\nID_LIKE="rhel centos fedora"\n', 'fedora'],
    ['Arch', 'ID=arch\n', 'linux'],
    ['no os-release', '', 'linux'],
  ] as const)('reads %s', (_name, osRelease, expected) => {
    expect(installPlatform('linux', osRelease)).toBe(expected);
  });

  it('knows Windows and macOS by Node’s platform', () => {
    expect(installPlatform('win32')).toBe('windows');
    expect(installPlatform('darwin')).toBe('macos');
  });
});

describe('installCommands', () => {
  it('gives one apt-get line for Debian, with sudo unless root', () => {
    expect(installCommands('debian', ALL)).toEqual(['sudo apt-get install -y chromium poppler-utils python3']);
    expect(installCommands('debian', ['poppler'], { root: true })).toEqual(['apt-get install -y poppler-utils']);
  });

  it('installs Ubuntu’s Chromium as a snap', () => {
    expect(installCommands('ubuntu', ALL)).toEqual(['sudo apt-get install -y poppler-utils python3', 'sudo snap install chromium']);
    expect(installCommands('ubuntu', ['browser'])).toEqual(['sudo snap install chromium']);
  });

  it('uses dnf on Fedora, Homebrew on macOS and winget on Windows', () => {
    expect(installCommands('fedora', ['browser', 'poppler'])).toEqual(['sudo dnf install -y chromium poppler-utils']);
    expect(installCommands('macos', ALL)).toEqual(['brew install poppler python', 'brew install --cask google-chrome']);
    expect(installCommands('windows', ['poppler', 'python'])).toEqual(['winget install -e --id oschwartz10612.Poppler', 'winget install -e --id Python.Python.3.12']);
  });
});

describe('check-prerequisites', () => {
  const run = (env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'check-prerequisites.ts')], { cwd: ROOT, env, encoding: 'utf8' });

  it('passes on this machine, naming the browser it found', () => {
    const result = run(process.env);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^prerequisites: .+ \(.+\), pdftoppm, Python 3 found/);
  });

  it('stops at once with the install command for this platform when the programs are missing', () => {
    // An empty PATH (Node is started by its full path) and OCM_CHROMIUM naming nothing: nothing can be found.
    const emptyPath = mkdtempSync(join(tmpdir(), 'ocm-empty-path-'));
    const started = Date.now();
    const result = run({ PATH: emptyPath, OCM_CHROMIUM: join(ROOT, 'no-such-browser'), HOME: process.env.HOME });
    rmSync(emptyPath, { recursive: true });
    expect(result.status).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    const platform = installPlatform(process.platform, readOsRelease());
    const expected = installCommands(platform, ALL, { root: process.getuid?.() === 0 });
    expect(result.stderr).toContain('npm test needs programs this machine lacks:');
    for (const command of expected) expect(result.stderr).toContain(`\n  ${command}\n`);
  });
});
