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

/** Fields read from the error log. */
export const ERROR_LOG_FIELDS: readonly string[] = ['model', 'record_id', 'error_message', 'timestamp'];
