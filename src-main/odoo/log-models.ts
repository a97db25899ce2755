/**
 * The auto_webhook models this app reads, and their fields: named once here, for the connection
 * checks, the sync engine and the admin actions alike.
 */

/** The change log (`update.webhook`). */
export const CHANGE_LOG_MODEL = 'update.webhook';

/** The error log (`webhook.errors`). */
export const ERROR_LOG_MODEL = 'webhook.errors';

/** Fields every variant of the module's change log has. */
export const CHANGE_LOG_FIELDS: readonly string[] = ['model', 'record_id', 'event', 'timestamp'];

/** Fields only our own addon adds to the change log; read when present (`changed_values`: protocol 2). */
export const RICH_CHANGE_LOG_FIELDS: readonly string[] = ['user_id', 'changed_fields', 'change_count', 'changed_values'];

/**
 * What to do when this login may not read the error log (the original module grants nobody access):
 * our addon first, which grants it; else the access right, where Odoo 17–19 keep it (Settings › Technical
 * › Security › Access Rights, a menu shown in developer mode). Every English message says it this way;
 * the workbench's catalogues word the same advice in English and Arabic.
 */
export const ERROR_LOG_ACCESS_ADVICE =
  'Install the Odoo Change Monitor auto_webhook addon, which lets this app read the error log; or have an Odoo administrator grant read access to webhook.errors under Settings › Technical › Security › Access Rights (developer mode).';

/** Fields read from the error log. */
export const ERROR_LOG_FIELDS: readonly string[] = ['model', 'record_id', 'error_message', 'timestamp'];
