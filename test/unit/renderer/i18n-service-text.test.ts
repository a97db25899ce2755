/**
 * Text that the services send (sync log lines, connection checks, errors) reaches the UI in its
 * language: every key a producer emits is in both catalogues, lines and checks render in Arabic, and
 * lines without a known key (rows written before keys existed) fall back to their English message.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OcmError } from '../../../src-main/common/errors';
import type { SyncLogEntry } from '../../../src-main/common/model';
import { transportNote } from '../../../src-main/common/transport-note';
import type { ConnectionCheck } from '../../../src-main/common/services';
import { runConnectionChecks } from '../../../src-main/odoo/capabilities';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator';
import type { NewLogEntry } from '../../../src-main/store/repositories/sync-log';
import { openStore, type Store } from '../../../src-main/store/store';
import { connectTarget } from '../../../src-main/sync/connect';
import { runSyncPass } from '../../../src-main/sync/pass';
import { createTranslator, TranslatorContext } from '../../../src-renderer/i18n';
import { ar } from '../../../src-renderer/i18n/ar';
import { en } from '../../../src-renderer/i18n/en';
import { isMessageKey, localizeCheck, localizeError, localizeLogEntry } from '../../../src-renderer/i18n/service-text';
import { ErrorBanner } from '../../../src-renderer/ui/primitives';
import { Panel } from '../../../src-renderer/workbench/Panel';
import { syncTarget } from '../sync/targets';

// The panel reads the workbench store through useSyncExternalStore, which cannot render on a server:
// hand it a plain state instead.
const workbench = vi.hoisted(() => ({ state: { activity: [] as unknown[], instances: [] as unknown[], removedInstances: [] as unknown[] } }));
vi.mock('../../../src-renderer/workbench/store', () => ({
  useStore: () => ({ update: () => undefined }),
  useWorkbench: <T>(selector: (state: typeof workbench.state) => T) => selector(workbench.state),
}));

const arabic = createTranslator('ar');
const english = createTranslator('en');
const ARABIC_LETTER = /[\u0621-\u064A]/;
const LATIN_DIGIT = /[0-9]/;

let sim: RunningSimulator;
let dir: string;
let store: Store;

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, databases: [{ name: 'seed' }] });
  dir = mkdtempSync(join(tmpdir(), 'ocm-i18n-'));
  store = openStore(join(dir, 'mirror.sqlite'));
});
afterAll(async () => {
  store?.close();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Renders the activity panel in `language` with these lines. */
function renderPanel(language: 'en' | 'ar', activity: SyncLogEntry[]): string {
  workbench.state = { activity, instances: [{ id: 'riyadh', name: 'Riyadh ERP' }], removedInstances: [] };
  return renderToStaticMarkup(createElement(TranslatorContext.Provider, { value: createTranslator(language) }, createElement(Panel)));
}

/** The service-text families of the catalogue (what this file is about). */
const serviceKeys = (Object.keys(en) as (keyof typeof en)[]).filter((key) => /^(sync|check|error|activity)\./.test(key));

describe('catalogue', () => {
  it('has an Arabic translation for every English key, and no key English lacks', () => {
    expect(Object.keys(ar).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) expect(ar[key]?.trim(), key).toBeTruthy();
  });

  it('words every service sentence in Arabic, not in copied English', () => {
    expect(serviceKeys.length).toBeGreaterThan(50);
    for (const key of serviceKeys) {
      if (ar[key] === en[key]) continue; // '{error}', '+{count}': only placeholders and signs
      expect(ar[key], key).toMatch(ARABIC_LETTER);
    }
  });
});

describe('sync activity lines', () => {
  it('every line the sync engine writes has a known key and renders in Arabic', async () => {
    const lines: NewLogEntry[] = [];
    const abort = new AbortController();
    const target = syncTarget({ id: 'riyadh', name: 'Riyadh ERP', url: sim.url, db: 'seed', transport: 'jsonrpc' });
    const { client, capabilities } = await connectTarget(target, abort.signal);
    try {
      const pass = () => runSyncPass({ store, client, capabilities, instanceId: 'riyadh', log: (entry) => lines.push(entry) });
      await pass(); // snapshot
      sim.database('seed').seedWebhookRows(12);
      await pass(); // incremental poll
    } finally {
      client.close();
    }
    expect(lines.map((line) => line.messageKey)).toEqual(['sync.snapshot.start', 'sync.snapshot.done', 'sync.poll']);

    const stored = lines.map((line) => store.syncLog.append(line));
    for (const entry of stored) {
      expect(isMessageKey(entry.messageKey), entry.messageKey).toBe(true);
      const { text } = localizeLogEntry(arabic, entry);
      expect(text, entry.messageKey).toMatch(ARABIC_LETTER);
      expect(text, entry.messageKey).not.toMatch(LATIN_DIGIT);
    }
    const poll = stored[2];
    expect(poll.params).toEqual({ added: 12, removed: 0, refreshed: 0, errors: 0 });
    expect(localizeLogEntry(arabic, poll).text).toBe('جديدة: ١٢، حُذفت من الخادم: ٠.');
    expect(localizeLogEntry(english, poll).text).toBe(poll.message);

    const html = renderPanel('ar', [...stored].reverse());
    expect(html).toContain('جديدة: ١٢، حُذفت من الخادم: ٠.');
    expect(html).toContain('اكتملت اللقطة');
    expect(html).toContain('جلب التغييرات'); // the 'poll' kind
    expect(html).not.toContain(poll.message);
  });

  it('a failure is titled by its error code, with the retry delay localized and the server text kept', () => {
    const entry: SyncLogEntry = {
      id: 9,
      instanceId: 'riyadh',
      at: '2026-11-30T09:00:00Z',
      level: 'error',
      kind: 'error',
      message: 'Odoo refused the login admin on database seed. Retrying in 2.5 s.',
      messageKey: 'sync.failedRetry',
      params: { code: 'auth-failed', seconds: 2.5 },
      durationMs: 1500,
    };
    expect(localizeLogEntry(english, entry)).toEqual({ text: 'Wrong login or password. Retrying in 2.5 sec.', detail: entry.message });
    const html = renderPanel('ar', [entry]);
    expect(html).toContain('اسم الدخول أو كلمة المرور غير صحيحة. إعادة المحاولة بعد ٢٫٥ ثانية.');
    expect(html).toContain(entry.message);
    expect(html).toContain('١٫٥ ثانية'); // the duration
  });

  it('falls back to the English message when the key is missing or unknown', () => {
    store.db.prepare("INSERT INTO sync_log (instance_id, at, level, kind, message) VALUES ('riyadh', 1, 'info', 'poll', '3 new, 0 removed on the server.')").run();
    const legacy = store.syncLog.list({ instanceId: 'riyadh', limit: 1 })[0];
    expect(legacy.messageKey).toBeUndefined();
    expect(localizeLogEntry(arabic, legacy)).toEqual({ text: '3 new, 0 removed on the server.' });

    const future = { ...legacy, messageKey: 'sync.somethingNewer', params: { rows: 4 } };
    expect(localizeLogEntry(arabic, future)).toEqual({ text: legacy.message });
    const html = renderPanel('ar', [legacy, { ...future, id: legacy.id + 1 }]);
    expect(html.split('<bdi>3 new, 0 removed on the server.</bdi>').length - 1).toBe(2);
  });
});

describe('connection checks', () => {
  const input = (secret: string) => ({ url: sim.url, db: 'seed', login: 'admin', secret, transport: 'xmlrpc' as const });

  it('every check of a passing test has a known key and reads in Arabic', async () => {
    const checks: ConnectionCheck[] = await runConnectionChecks(input('admin'));
    expect(checks.map((check) => check.id)).toEqual(['reach', 'version', 'transport', 'database', 'login', 'change-log', 'error-log', 'rights']);
    for (const check of checks) {
      expect(isMessageKey(check.messageKey), `${check.id}: ${check.messageKey}`).toBe(true);
      if (check.hint) expect(isMessageKey(check.hintKey), `${check.id}: ${check.hintKey}`).toBe(true);
      const words = localizeCheck(arabic, check);
      expect(words.message, check.id).toMatch(ARABIC_LETTER);
      if (words.hint) expect(words.hint, check.id).toMatch(ARABIC_LETTER);
      // In English the key gives back the service's own sentence.
      expect(localizeCheck(english, check).message, check.id).toBe(check.message);
    }
    const reach = localizeCheck(arabic, checks[0]);
    expect(reach.message).toBe(`استجاب أودو على ${sim.url} عبر XML-RPC.`);
  });

  it('a wrong password is titled by its code in Arabic, keeps the server text, and skips the rest in Arabic', async () => {
    const checks = await runConnectionChecks(input('wrong-password'));
    const login = checks.find((check) => check.id === 'login')!;
    expect(login.status).toBe('failed');
    const words = localizeCheck(arabic, login);
    expect(words.message).toBe('اسم الدخول أو كلمة المرور غير صحيحة');
    expect(words.detail).toBe(login.message);
    expect(words.hint).toMatch(ARABIC_LETTER);
    const skipped = checks.filter((check) => check.status === 'skipped');
    expect(skipped.length).toBeGreaterThan(0);
    for (const check of skipped) expect(localizeCheck(arabic, check).message).toBe('تُخطّي: فشل تسجيل الدخول.');
  });

  it('words every transport note (chosen, forced, deprecated, too old, unreachable) in English as the service does, and in Arabic', () => {
    const notes = [
      transportNote('json2', { reason: 'json2', serverSerie: '19.0', major: 19 }),
      transportNote('jsonrpc', { reason: 'json2-needs-key', serverSerie: '19.0', major: 19 }),
      ...(['jsonrpc', 'xmlrpc', 'unreachable', 'forced'] as const).map((reason) => transportNote(reason === 'jsonrpc' ? 'jsonrpc' : 'xmlrpc', { reason, serverSerie: '18.0', major: 18 })),
      transportNote('xmlrpc', { reason: 'forced' }, { major: 19, serie: '19.0' }),
      transportNote('jsonrpc', undefined, { major: 20 }),
      transportNote('json2', { reason: 'forced' }, { major: 17, serie: '17.0' }),
    ];
    expect(new Set(notes.map((note) => note.messageKey)).size).toBe(8);
    for (const { status, ...note } of notes) {
      const check: ConnectionCheck = { id: 'transport', status, ...note };
      expect(isMessageKey(check.messageKey), check.messageKey).toBe(true);
      if (check.hint) expect(isMessageKey(check.hintKey), check.hintKey).toBe(true);
      expect(localizeCheck(english, check), check.messageKey).toEqual(check.hint ? { message: check.message, hint: check.hint } : { message: check.message });
      const words = localizeCheck(arabic, check);
      expect(words.message, check.messageKey).toMatch(ARABIC_LETTER);
      if (check.hint) expect(words.hint, check.hintKey).toMatch(ARABIC_LETTER);
    }
    expect(localizeCheck(arabic, { id: 'transport', ...transportNote('jsonrpc', undefined, { major: 20 }) }).message).toBe('وسيلة النقل JSON-RPC مُهمَلة على أودو 20.0 الذي يوفّر JSON-2؛ ويزيلها أودو ٢٢.');
  });

  it('falls back to the English message and hint when no key is known', () => {
    const check: ConnectionCheck = { id: 'rights', status: 'warning', message: 'Something only a newer app knows.', hint: 'Upgrade the app.', messageKey: 'check.fromTheFuture' };
    expect(localizeCheck(arabic, check)).toEqual({ message: check.message, hint: check.hint });
  });
});

describe('error banners', () => {
  it('title an error by its code in Arabic, keep the server message, and give generic advice', () => {
    const error = new OcmError('auth-failed', 'Odoo refused the login "admin" on database "seed".', { hint: 'Check the login and password.' });
    const html = renderToStaticMarkup(createElement(TranslatorContext.Provider, { value: arabic }, createElement(ErrorBanner, { error })));
    expect(html).toContain('اسم الدخول أو كلمة المرور غير صحيحة');
    expect(html).toContain('تحقّق من اسم الدخول ومن كلمة المرور أو مفتاح API.');
    expect(html).toContain('Odoo refused the login');
    expect(html).toContain('Check the login and password.'); // in the details disclosure
  });

  it('read the plain-JSON form (InstanceStatus.lastError) and prefer the specific hint in English', () => {
    const lastError = { code: 'network-refused' as const, message: 'Nothing listens at http://127.0.0.1:1.', hint: 'Start Odoo, or fix the port.' };
    expect(localizeError(english, lastError)).toEqual({ code: 'network-refused', title: 'Nothing answers at this address', message: lastError.message, hint: lastError.hint });
    const inArabic = localizeError(arabic, lastError);
    expect(inArabic.title).toBe('لا شيء يستجيب على هذا العنوان');
    expect(inArabic.originalHint).toBe(lastError.hint);
  });

  it('fall back to the generic title for an unknown code, and keep anything thrown readable', () => {
    expect(localizeError(arabic, { code: 'brand-new-code', message: 'New failure.' }).title).toBe('حدث خطأ ما');
    expect(localizeError(english, new Error('boom'))).toMatchObject({ code: 'internal', title: 'Something went wrong', message: 'boom' });
  });
});
