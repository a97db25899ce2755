// `npm test`'s first step: stops at once, with the install command for this platform, when a program the
// suite needs is missing, instead of failing halfway through with a launch error.
import { findBrowser } from '../src-main/reports/browser-finder';
import { installCommands, installPlatform, missingPrerequisites, PURPOSE, readOsRelease } from './prerequisites';

const missing = missingPrerequisites();
if (missing.length === 0) {
  const browser = findBrowser().found!;
  console.log(`prerequisites: ${browser.name} (${browser.path}), pdftoppm, Python 3 found`);
  process.exit(0);
}
const platform = installPlatform(process.platform, readOsRelease());
const commands = installCommands(platform, missing, { root: process.getuid?.() === 0 });
console.error(
  [
    'npm test needs programs this machine lacks:',
    ...missing.map((prerequisite) => `  - ${PURPOSE[prerequisite]}`),
    '',
    commands.length === 1 ? 'Install them with:' : 'Install them with these commands:',
    ...commands.map((command) => `  ${command}`),
    '',
    'then run `npm test` again. A browser installed elsewhere can be named with OCM_CHROMIUM=/path/to/browser.',
  ].join('\n'),
);
process.exit(1);
