/** The one set of rules for an instance's settings, and where a saved secret may go. */
import { describe, expect, it } from 'vitest';
import { MAX_WATCHED_MODELS, needsNewSecret, originOf, POLL_INTERVAL_SECONDS, validateConnectionFields, validateInstanceInput, validateWatchFields } from '../../../src-main/common/instance-input';

const input = { name: ' Prod ', url: 'https://erp.example.com//', db: ' prod ', login: 'admin', password: 'pw' };

describe('validateInstanceInput', () => {
  it('trims, drops trailing slashes and fills in the defaults', () => {
    expect(validateInstanceInput(input)).toEqual({ name: 'Prod', url: 'https://erp.example.com', db: 'prod', login: 'admin', password: 'pw', transport: 'auto', production: false, pollIntervalSeconds: POLL_INTERVAL_SECONDS.default, source: 'module', trackingValues: false });
  });

  it('names the field that is wrong', () => {
    expect(() => validateInstanceInput({ ...input, name: ' ' })).toThrow('The name is missing.');
    expect(() => validateInstanceInput({ ...input, url: 'erp.example.com' })).toThrow('"erp.example.com" is not a URL.');
    expect(() => validateInstanceInput({ ...input, url: 'ftp://erp.example.com' })).toThrow('is not an http or https URL');
    expect(() => validateInstanceInput({ ...input, db: '' })).toThrow('The database is missing.');
    expect(() => validateInstanceInput({ ...input, transport: 'soap' as 'xmlrpc' })).toThrow(expect.objectContaining({ message: 'Unknown transport "soap".', hint: "Use auto, xmlrpc, jsonrpc or json2 (auto lets the server's version decide)." }));
    expect(() => validateInstanceInput({ ...input, pollIntervalSeconds: POLL_INTERVAL_SECONDS.min - 1 })).toThrow(`between ${POLL_INTERVAL_SECONDS.min} and ${POLL_INTERVAL_SECONDS.max}`);
    expect(() => validateInstanceInput({ ...input, pollIntervalSeconds: 2.5 })).toThrow(expect.objectContaining({ code: 'invalid-input' }));
  });

  it('takes every transport kind, and auto (the server\'s version decides)', () => {
    for (const transport of ['auto', 'xmlrpc', 'jsonrpc', 'json2'] as const) expect(validateInstanceInput({ ...input, transport }).transport).toBe(transport);
  });

  it('checks connection fields alone for a connection test', () => {
    expect(validateConnectionFields({ url: 'http://x:8069/', db: 'd', login: 'l', transport: 'jsonrpc', trustedCertificateSha256: ' AB ' })).toEqual({ url: 'http://x:8069', db: 'd', login: 'l', transport: 'jsonrpc', trustedCertificateSha256: 'AB' });
  });
});

describe('needsNewSecret', () => {
  const saved = { url: 'https://erp.example.com/odoo', db: 'prod' };
  it('lets a secret follow a new path or an explicit default port on the same origin and database', () => {
    expect(originOf('https://erp.example.com:443/x')).toBe('https://erp.example.com');
    expect(needsNewSecret(saved, { url: 'https://erp.example.com', db: 'prod' })).toBe(false);
    expect(needsNewSecret(saved, { url: 'https://erp.example.com:443/web', db: ' prod' })).toBe(false);
  });

  it('asks for it again for another scheme, host, port or database, or an unreadable URL', () => {
    for (const next of [
      { url: 'http://erp.example.com', db: 'prod' },
      { url: 'https://erp.example.com.evil.io', db: 'prod' },
      { url: 'https://erp.example.com:8443', db: 'prod' },
      { url: 'https://erp.example.com', db: 'prod2' },
      { url: 'not a url', db: 'prod' },
    ]) expect(needsNewSecret(saved, next), JSON.stringify(next)).toBe(true);
  });
});

describe('validateWatchFields', () => {
  it('defaults to the module log, trims and deduplicates the watched models', () => {
    expect(validateWatchFields({})).toEqual({ source: 'module', trackingValues: false });
    expect(validateWatchFields({ source: 'polling', watchedModels: [' res.partner', 'sale.order', 'res.partner ', 'x_custom'] })).toEqual({ source: 'polling', trackingValues: false, watchedModels: ['res.partner', 'sale.order', 'x_custom'] });
  });

  it('says what is wrong with a source or a model', () => {
    expect(() => validateWatchFields({ source: 'webhook' as 'module' })).toThrow('Unknown source "webhook".');
    expect(() => validateWatchFields({ watchedModels: ['Res.Partner'] })).toThrow('"Res.Partner" is not an Odoo model name.');
    expect(() => validateWatchFields({ watchedModels: ['res.partner; drop'] })).toThrow('is not an Odoo model name');
    expect(() => validateWatchFields({ watchedModels: [] })).toThrow('No model is watched.');
    const many = Array.from({ length: MAX_WATCHED_MODELS + 1 }, (_, index) => `x_model.m${index}`);
    expect(() => validateWatchFields({ watchedModels: many })).toThrow(`at most ${MAX_WATCHED_MODELS}`);
  });
});
