import { describe, expect, it } from 'vitest';
import type { InstanceConfig } from '../../../src-main/common/model';
import { createTranslator } from '../../../src-renderer/i18n';
import { instanceNamer } from '../../../src-renderer/workbench/instance-names';

const instance = (id: string, name: string, removedAt?: string): InstanceConfig => ({
  id, name, url: 'http://127.0.0.1:8069', db: 'seed', login: 'admin', transport: 'xmlrpc', production: false, demo: false, pollIntervalSeconds: 30, createdAt: '2026-11-01T00:00:00Z', ...(removedAt ? { removedAt } : {}),
});

describe('instance names (issue 14, item 5)', () => {
  it('names a removed instance\'s kept rows by its name, marked removed, in both languages; never by its id', () => {
    const visible = [instance('a1', 'Riyadh ERP')];
    const removed = [instance('fbc10902-7c1e-4d4b-9d1e-0d6f3c1d2a11', 'Jeddah ERP', '2026-11-30T10:00:00Z')];
    const english = instanceNamer(visible, removed, createTranslator('en').t);
    expect(english('a1')).toBe('Riyadh ERP');
    expect(english('fbc10902-7c1e-4d4b-9d1e-0d6f3c1d2a11')).toBe('Jeddah ERP (removed instance)');
    expect(instanceNamer(visible, removed, createTranslator('ar').t)('fbc10902-7c1e-4d4b-9d1e-0d6f3c1d2a11')).toBe('Jeddah ERP (خادم محذوف)');
  });
});
