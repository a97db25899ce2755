import { describe, expect, it } from 'vitest';
import { callContext, faultToError, jsonRpcErrorToError, networkError, type CallContext } from '../../../src-main/odoo/faults';
import { TlsRejection } from '../../../src-main/odoo/tls';

const url = 'https://erp.example.com';
const authenticate = (db: string): CallContext => callContext(url, 'common', 'authenticate', [db, 'admin', 'x', {}], 30_000);
const executeKw = (model: string, method = 'search_read'): CallContext => callContext(url, 'object', 'execute_kw', ['sales', 2, 'x', model, method, [], {}], 30_000);
const nodeError = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('Fault mapping', () => {
  it('names the missing database exactly as the issue asks', () => {
    const traceback = 'Traceback (most recent call last):\n  File "x"\npsycopg2.OperationalError: connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "sales" does not exist\n\n';
    const error = faultToError(1, traceback, authenticate('sales'));
    expect(error.code).toBe('database-missing');
    expect(error.message).toBe('database "sales" does not exist on https://erp.example.com');
    expect(error.hint).toMatch(/database name/);
    expect(error.detail).toBe(traceback);
  });

  it('does not take a database mentioned earlier in a traceback for a missing database', () => {
    const traceback = 'Traceback:\nKeyError: database "x" does not exist\n\nDuring handling...\nTypeError: cannot marshal None unless allow_none is enabled\n';
    const error = faultToError(1, traceback, executeKw('webhook.cleanup.cron', 'clean_webhook_records'));
    expect(error.code).toBe('server-error');
    expect(error.message).toBe('TypeError: cannot marshal None unless allow_none is enabled');
  });

  it('tells the module apart from other missing models', () => {
    expect(faultToError(2, "Object webhook.errors doesn't exist", executeKw('webhook.errors')).message).toBe(
      'The auto_webhook module is not installed on database sales at https://erp.example.com (model webhook.errors is missing).',
    );
    const other = faultToError(2, "Object x_ocm_no_such.model doesn't exist", executeKw('x_ocm_no_such.model'));
    expect(other.code).toBe('model-missing');
    expect(other.message).toBe('Model x_ocm_no_such.model does not exist on database sales at https://erp.example.com.');
  });

  it('keeps other UserErrors as user-error with Odoo\'s message', () => {
    const error = faultToError(2, 'The operation cannot be completed: another model requires the record being deleted.', executeKw('res.partner', 'unlink'));
    expect(error.code).toBe('user-error');
    expect(error.message).toBe('The operation cannot be completed: another model requires the record being deleted.');
  });

  it('gives a generic access hint for models other than the error log', () => {
    const error = faultToError(4, "You are not allowed to delete 'Contact' (res.partner) records.", executeKw('res.partner', 'unlink'));
    expect(error.code).toBe('access-error');
    expect(error.hint).toBe('Ask an Odoo administrator for access to res.partner.');
  });

  it('maps JSON-RPC exception classes to the same errors as the XML-RPC fault codes', () => {
    const context = executeKw('update.webhook');
    const cases: [string, string, string][] = [
      ['odoo.exceptions.AccessDenied', 'Access Denied', 'access-denied'],
      ['odoo.exceptions.AccessError', 'You are not allowed', 'access-error'],
      ['odoo.exceptions.UserError', "Object update.webhook doesn't exist", 'model-missing'],
      ['odoo.exceptions.ValidationError', 'Invalid value', 'user-error'],
      ['odoo.exceptions.MissingError', 'Record does not exist or has been deleted.', 'user-error'],
      ['builtins.KeyError', "'x'", 'server-error'],
    ];
    for (const [name, message, code] of cases) {
      expect(jsonRpcErrorToError({ code: 200, message: 'Odoo Server Error', data: { name, message, debug: `Traceback\n${name}: ${message}\n` } }, context).code, name).toBe(code);
    }
  });
});

describe('Network error mapping', () => {
  const context = executeKw('update.webhook');

  it('maps refused, DNS, reset and timeout codes', () => {
    expect(networkError(nodeError('ECONNREFUSED'), context)).toMatchObject({ code: 'network-refused', message: 'Nothing answered at https://erp.example.com: connection refused.' });
    expect(networkError(nodeError('ENOTFOUND'), context)).toMatchObject({ code: 'network-dns', message: 'The host name erp.example.com (in https://erp.example.com) could not be resolved.' });
    expect(networkError(nodeError('EAI_AGAIN'), context).code).toBe('network-dns');
    expect(networkError(nodeError('ECONNRESET'), context).code).toBe('network-reset');
    expect(networkError(new Error('socket hang up'), context).code).toBe('network-reset');
    const timeout = networkError(nodeError('ETIMEDOUT'), context);
    expect(timeout.code).toBe('timeout');
    expect(timeout.message).toBe('https://erp.example.com did not answer update.webhook.search_read within 30 s.');
  });

  it('maps certificate codes to tls with the fingerprint so the user can trust it', () => {
    const fingerprint = 'AA:BB:' + '00:'.repeat(29) + 'FF';
    for (const code of ['DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID']) {
      const error = networkError(nodeError(code), context, fingerprint);
      expect(error.code, code).toBe('tls');
      expect(error.message, code).toContain(fingerprint);
    }
    const rejection = networkError(new TlsRejection('DEPTH_ZERO_SELF_SIGNED_CERT', fingerprint, 'erp'), context);
    expect(rejection.message).toBe(`The certificate of https://erp.example.com (issued to erp) was refused: the certificate is self-signed. Its SHA-256 fingerprint is ${fingerprint}.`);
    expect(rejection.hint).toMatch(/trust it for this instance only/);
  });

  it('explains an https URL pointing at a plain http port', () => {
    const error = networkError(nodeError('EPROTO', 'write EPROTO 40:error:0A00010B:SSL routines:ssl3_get_record:wrong version number'), context);
    expect(error.code).toBe('tls');
    expect(error.hint).toMatch(/http:\/\//);
  });
});
