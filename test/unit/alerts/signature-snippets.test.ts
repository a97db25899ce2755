/**
 * The README's verification snippets (Node and Python) accept what the app signs and refuse a changed
 * body, another secret and an old timestamp: they are run as written, straight from the README.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { webhookSignature } from '../../../src-main/alerts/senders';

const readme = readFileSync(join(import.meta.dirname, '../../../README.md'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'ocm-snippets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The code block after `<!-- marker -->` in the README. */
function snippet(marker: string): string {
  const at = readme.indexOf(`<!-- ${marker} -->`);
  expect(at, `README has <!-- ${marker} -->`).toBeGreaterThan(0);
  const match = /```\w+\n([\s\S]*?)```/.exec(readme.slice(at));
  return match![1];
}

const secret = 'whsec-readme-0123456789';
const body = JSON.stringify({ type: 'ocm.alert', idempotencyKey: 'abc', text: 'حُذف Journal Entry #42' });
const now = Math.floor(Date.now() / 1000);
const cases: [string, string, string, string, boolean][] = [
  ['the signed body', secret, webhookSignature(secret, body, now), body, true],
  ['a changed body', secret, webhookSignature(secret, body, now), body.replace('42', '43'), false],
  ['another secret', 'another-secret-0123456789', webhookSignature(secret, body, now), body, false],
  ['a ten-minute-old signature (a replay)', secret, webhookSignature(secret, body, now - 600), body, false],
  ['a malformed header', secret, 'v1=deadbeef', body, false],
];

describe('README signature verification', () => {
  it('Node: accepts exactly the valid signature', () => {
    const file = join(dir, 'verify.mjs');
    writeFileSync(file, `${snippet('verify-node')}\nconst cases = JSON.parse(process.argv[2]);\nprocess.stdout.write(JSON.stringify(cases.map(([, s, h, b]) => verifyOcmSignature(s, h, Buffer.from(b, 'utf8')))));\n`);
    const results = JSON.parse(execFileSync(process.execPath, [file, JSON.stringify(cases)], { encoding: 'utf8' })) as boolean[];
    expect(results).toEqual(cases.map((entry) => entry[4]));
  });

  it('Python: accepts exactly the valid signature', () => {
    const file = join(dir, 'verify.py');
    writeFileSync(file, `${snippet('verify-python')}\nimport json, sys\ncases = json.loads(sys.argv[1])\nprint(json.dumps([verify_ocm_signature(s, h, b.encode("utf-8")) for _, s, h, b, _ in cases]))\n`);
    const results = JSON.parse(execFileSync('python3', [file, JSON.stringify(cases)], { encoding: 'utf8' })) as boolean[];
    expect(results).toEqual(cases.map((entry) => entry[4]));
  });
});
