/**
 * The rules of an instance's settings, in one place: the instance service applies them to what the
 * workbench and the CLI send, the CLI's `instance test` to its options, and the editor reads the bounds.
 * Each failure is an 'invalid-input' error that names the field and says what to enter.
 */
import { OcmError } from './errors';
import { TRANSPORT_LABELS, type InstanceInput, type SourceSetting, type TransportKind, type TransportSetting } from './model';

/** The idle poll interval's bounds and default, in seconds. */
export const POLL_INTERVAL_SECONDS = { min: 2, max: 86_400, default: 30 } as const;

/**
 * Idle models the polling source checks per poll (the stalest first), so an idle poll costs the chatter's
 * one request plus this many; a busy model is checked every poll.
 */
export const IDLE_MODEL_CHECKS_PER_POLL = 2;

/** Most models one instance may watch (each costs a check now and then). */
export const MAX_WATCHED_MODELS = 200;

const SOURCES: readonly SourceSetting[] = ['module', 'polling'];
/** An Odoo model's technical name: lowercase words joined by dots (`res.partner`, `x_custom.model`). */
const MODEL_NAME = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;

/** The fields that say where and as whom to connect. */
export type ConnectionFields = Pick<InstanceInput, 'url' | 'db' | 'login' | 'transport' | 'trustedCertificateSha256'>;

/** Connection fields after validation: trimmed, the URL without trailing slashes, the transport set (`'auto'` when not given). */
export interface ValidConnectionFields {
  url: string;
  db: string;
  login: string;
  transport: TransportSetting;
  trustedCertificateSha256?: string;
}

/** An instance's input after validation (the password, when given, is kept as typed). */
export interface ValidInstanceInput extends ValidConnectionFields {
  name: string;
  password?: string;
  production: boolean;
  pollIntervalSeconds: number;
  source: SourceSetting;
  /** Absent = the default ten models. */
  watchedModels?: string[];
  trackingValues: boolean;
}

/** Every value a transport may be set to: `'auto'` first, then each kind. */
export const TRANSPORT_SETTINGS: readonly TransportSetting[] = ['auto', ...(Object.keys(TRANSPORT_LABELS) as TransportKind[])];

/** Validates where and as whom to connect; no transport means `'auto'`. */
export function validateConnectionFields(input: ConnectionFields): ValidConnectionFields {
  const transport = input.transport ?? 'auto';
  if (!TRANSPORT_SETTINGS.includes(transport)) {
    throw new OcmError('invalid-input', `Unknown transport "${String(transport)}".`, {
      hint: `Use ${TRANSPORT_SETTINGS.slice(0, -1).join(', ')} or ${TRANSPORT_SETTINGS[TRANSPORT_SETTINGS.length - 1]} (auto lets the server's version decide).`,
    });
  }
  const fields: ValidConnectionFields = { url: validUrl(input.url), db: required(input.db, 'database'), login: required(input.login, 'login'), transport };
  const fingerprint = input.trustedCertificateSha256?.trim();
  if (fingerprint) fields.trustedCertificateSha256 = fingerprint;
  return fields;
}

/** Validates a whole instance; `password` may be absent (an edit keeps the stored one). */
export function validateInstanceInput(input: InstanceInput): ValidInstanceInput {
  const poll = input.pollIntervalSeconds ?? POLL_INTERVAL_SECONDS.default;
  if (!Number.isInteger(poll) || poll < POLL_INTERVAL_SECONDS.min || poll > POLL_INTERVAL_SECONDS.max) {
    throw new OcmError('invalid-input', `The poll interval must be a whole number of seconds between ${POLL_INTERVAL_SECONDS.min} and ${POLL_INTERVAL_SECONDS.max} (got ${String(poll)}).`);
  }
  const valid: ValidInstanceInput = {
    name: required(input.name, 'name'),
    ...validateConnectionFields(input),
    production: input.production ?? false,
    pollIntervalSeconds: poll,
    ...validateWatchFields(input),
  };
  if (input.password) valid.password = input.password;
  return valid;
}

/** Validates how an instance is watched: its source, the watched models (trimmed, deduplicated) and tracking values. */
export function validateWatchFields(input: Pick<InstanceInput, 'source' | 'watchedModels' | 'trackingValues'>): Pick<ValidInstanceInput, 'source' | 'watchedModels' | 'trackingValues'> {
  const source = input.source ?? 'module';
  if (!SOURCES.includes(source)) {
    throw new OcmError('invalid-input', `Unknown source "${String(source)}".`, { hint: 'Use module (the auto_webhook change log) or polling (watch without the module).' });
  }
  const valid: Pick<ValidInstanceInput, 'source' | 'watchedModels' | 'trackingValues'> = { source, trackingValues: input.trackingValues ?? false };
  if (input.watchedModels !== undefined) {
    const models = [...new Set(input.watchedModels.map((model) => (typeof model === 'string' ? model.trim() : '')))];
    const bad = models.find((model) => !MODEL_NAME.test(model));
    if (bad !== undefined) {
      throw new OcmError('invalid-input', `"${bad}" is not an Odoo model name.`, { hint: 'Use technical model names such as res.partner or sale.order.' });
    }
    if (models.length === 0) throw new OcmError('invalid-input', 'No model is watched.', { hint: 'Choose at least one model to watch, e.g. res.partner.' });
    if (models.length > MAX_WATCHED_MODELS) {
      throw new OcmError('invalid-input', `${models.length} models are too many to watch (at most ${MAX_WATCHED_MODELS}).`, { hint: 'Keep the models whose changes matter.' });
    }
    valid.watchedModels = models;
  }
  return valid;
}

/** A password or API key that must be there. */
export function requiredSecret(value: string | undefined): string {
  if (!value) throw new OcmError('invalid-input', 'The password is missing.', { hint: 'Enter the password or an API key.' });
  return value;
}

/** The origin (scheme, host and port) of an http(s) URL, e.g. `https://erp.example.com` for port 443. */
export function originOf(url: string): string {
  return new URL(url).origin;
}

/**
 * True when a saved secret may not follow an edit from `saved` to `next`: it was saved for one origin and
 * database, and is only ever sent there. Anything else needs the password again.
 */
export function needsNewSecret(saved: { url: string; db: string }, next: { url: string; db: string }): boolean {
  try {
    return originOf(saved.url) !== originOf(next.url) || saved.db.trim() !== next.db.trim();
  } catch {
    return true; // an unparsable URL is never the saved origin
  }
}

function required(value: string | undefined, what: string): string {
  const trimmed = typeof value === 'string' ? value.trim() : '';
  if (!trimmed) throw new OcmError('invalid-input', `The ${what} is missing.`, { hint: `Enter the ${what}.` });
  return trimmed;
}

function validUrl(value: string | undefined): string {
  const url = required(value, 'URL');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OcmError('invalid-input', `"${url}" is not a URL.`, { hint: 'Enter the server address, e.g. https://erp.example.com.' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new OcmError('invalid-input', `"${url}" is not an http or https URL.`, { hint: 'Enter the server address, e.g. https://erp.example.com.' });
  }
  return url.replace(/\/+$/, '');
}
