/**
 * Alert rules and the alert outbox (`alert_rules`, `alert_channels`, `alert_events`, `alert_messages`,
 * `alert_deliveries`, migration 6). Events are queued by the mirror's insert transaction
 * (store/alert-queue.ts); a delivery worker groups waiting events into one message per rule and burst,
 * then claims each delivery with a lease, sends it and records the outcome. Every step is one
 * transaction or one statement, so processes sharing the mirror never group or send the same thing twice.
 */
import { createHash, randomUUID } from 'node:crypto';
import { OcmError } from '../../common/errors';
import type { AlertChannelKind, AlertCondition, AlertDelivery, AlertEvent, AlertTiming } from '../../common/alerts';
import { isoFromSeconds } from '../../common/time';
import type { SqlDatabase } from '../database';

/** A rule as stored. */
export interface StoredRule {
  id: string;
  name: string;
  enabled: boolean;
  condition: AlertCondition;
  timing: AlertTiming;
  createdAt: number;
  updatedAt: number;
  channels: StoredChannel[];
}

/** A channel as stored: the webhook secret still encrypted. */
export interface StoredChannel {
  id: number;
  kind: AlertChannelKind;
  /** Webhook URL, or e-mail addresses separated by commas. */
  target?: string;
  secret?: string;
}

/** An event to queue for a rule. */
export interface QueuedEvent {
  ruleId: string;
  /** Unique per rule: `change:<local id>`, `error-new:<instance>:<fingerprint>`, … */
  eventKey: string;
  instanceId: string;
  /** When it happened, Unix seconds. */
  at: number;
  detail: AlertEvent;
}

/** A rule's events waiting for a message. */
export interface WaitingRule {
  ruleId: string;
  events: number;
  /** When its oldest waiting event was queued, Unix seconds. */
  firstQueuedAt: number;
}

/** A delivery claimed for sending. */
export interface ClaimedDelivery {
  id: number;
  messageId: number;
  ruleId: string;
  channelId: number;
  kind: AlertChannelKind;
  target?: string;
  attempts: number;
  idempotencyKey: string;
  events: number;
  createdAt: number;
}

/** The settings key bumped with every rule change (the queue reloads its rules when it moves). */
const REVISION_KEY = 'alerts.revision';
/** The settings key of the e-mail server. */
const SMTP_KEY = 'alerts.smtp';

/** The e-mail server as stored: its password encrypted by the SecretVault. */
export interface StoredSmtp {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  from: string;
  password?: string;
}

/** The idempotency key of a (rule, event): 32 hex digits, the same on every retry and in every process. */
export function eventIdempotencyKey(ruleId: string, eventKey: string): string {
  return createHash('sha256').update(`${ruleId}\n${eventKey}`).digest('hex').slice(0, 32);
}

interface RuleRow {
  id: string;
  name: string;
  enabled: number;
  condition: string;
  timing: string;
  created_at: number;
  updated_at: number;
}

/** The idempotency key of a message: 32 hex digits of its rule and its events' keys, in queue order. */
export function messageIdempotencyKey(ruleId: string, eventKeys: readonly string[]): string {
  return createHash('sha256').update(`${ruleId}\n${eventKeys.join('\n')}`).digest('hex').slice(0, 32);
}

/** A delivery log line as both stores select it. */
export interface DeliveryRow {
  id: number;
  rule_id: string;
  rule_name: string | null;
  kind: AlertChannelKind;
  target: string | null;
  state: AlertDelivery['state'];
  attempts: number;
  idempotency_key: string;
  events: number;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
  next_attempt_at: number;
  last_error: string | null;
}

/** Reads and writes the alert tables. */
export class AlertRepository {
  constructor(private readonly db: SqlDatabase) {}

  /** Moves with every change to the rules (read by the queue once per insert transaction). */
  revision(): number {
    const value = this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(REVISION_KEY) as string | undefined;
    return value === undefined ? 0 : Number(value);
  }

  /** Every rule with its channels, by name. */
  list(): StoredRule[] {
    const rows = this.db.prepare('SELECT * FROM alert_rules ORDER BY name COLLATE NOCASE').all() as RuleRow[];
    const channels = this.db.prepare('SELECT id, rule_id, kind, target, secret FROM alert_channels ORDER BY rule_id, position').all() as (StoredChannel & { rule_id: string; target: string | null; secret: string | null })[];
    return rows.map((row) => toRule(row, channels.filter((channel) => channel.rule_id === row.id)));
  }

  /** One rule, or undefined. */
  get(id: string): StoredRule | undefined {
    return this.list().find((rule) => rule.id === id);
  }

  /**
   * Inserts or replaces a rule and its channels (the caller checked and sealed them); a taken name is
   * 'conflict'. Returns the rule's id.
   */
  save(rule: { id?: string; name: string; enabled: boolean; condition: AlertCondition; timing: AlertTiming; channels: Omit<StoredChannel, 'id'>[] }, now: number): string {
    const id = rule.id ?? randomUUID();
    this.db.transaction(() => {
      const clash = this.db.prepare('SELECT id FROM alert_rules WHERE name = ? COLLATE NOCASE AND id <> ?').get(rule.name, id);
      if (clash) throw new OcmError('conflict', `An alert rule named "${rule.name}" already exists.`, { hint: 'Choose another name, or edit that rule.' });
      this.db
        .prepare(
          `INSERT INTO alert_rules (id, name, enabled, condition, timing, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(id) DO UPDATE SET name = excluded.name, enabled = excluded.enabled, condition = excluded.condition, timing = excluded.timing, updated_at = excluded.updated_at`,
        )
        .run(id, rule.name, rule.enabled ? 1 : 0, JSON.stringify(rule.condition), JSON.stringify(rule.timing), now, now);
      this.db.prepare('DELETE FROM alert_channels WHERE rule_id = ?').run(id);
      const insert = this.db.prepare('INSERT INTO alert_channels (rule_id, position, kind, target, secret) VALUES (?, ?, ?, ?, ?)');
      rule.channels.forEach((channel, position) => insert.run(id, position, channel.kind, channel.target ?? null, channel.secret ?? null));
      this.bumpRevision();
    })();
    return id;
  }

  /** Removes a rule: its waiting events are dropped and its pending deliveries fail, saying why; the log stays. */
  remove(id: string, now: number): void {
    this.db.transaction(() => {
      if (this.db.prepare('DELETE FROM alert_rules WHERE id = ?').run(id).changes === 0) throw new OcmError('not-found', `No alert rule with id ${id}.`);
      this.db.prepare('DELETE FROM alert_events WHERE rule_id = ? AND message_id IS NULL').run(id);
      this.db.prepare("UPDATE alert_deliveries SET state = 'failed', last_error = 'The rule was removed.', lease_until = NULL, updated_at = ? WHERE rule_id = ? AND state = 'pending'").run(now, id);
      this.bumpRevision();
    })();
  }

  /** Queues events (those already queued for the same rule are skipped). Returns how many were new. */
  queue(events: readonly QueuedEvent[], now: number): number {
    const insert = this.db.prepare(
      `INSERT INTO alert_events (rule_id, event_key, instance_id, at, queued_at, detail) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (rule_id, event_key) DO NOTHING`,
    );
    let added = 0;
    for (const event of events) added += insert.run(event.ruleId, event.eventKey, event.instanceId, event.at, now, JSON.stringify(event.detail)).changes;
    return added;
  }

  /** Whether the rule already queued this event (instance conditions ask before firing again). */
  hasEvent(ruleId: string, eventKey: string): boolean {
    return this.db.prepare('SELECT 1 FROM alert_events WHERE rule_id = ? AND event_key = ?').get(ruleId, eventKey) !== undefined;
  }

  /** Rules with events waiting for a message. */
  waiting(): WaitingRule[] {
    return this.db
      .prepare('SELECT rule_id AS ruleId, count(*) AS events, min(queued_at) AS firstQueuedAt FROM alert_events WHERE message_id IS NULL GROUP BY rule_id')
      .all() as WaitingRule[];
  }

  /** When the rule's last message was made (Unix seconds), or undefined. */
  lastMessageAt(ruleId: string): number | undefined {
    const at = this.db.prepare('SELECT max(created_at) FROM alert_messages WHERE rule_id = ?').pluck().get(ruleId) as number | null;
    return at ?? undefined;
  }

  /**
   * Groups every waiting event of the rule into one message with one pending delivery per channel, in one
   * transaction. Returns the message id, or undefined when another process took the events first.
   */
  cutMessage(ruleId: string, channels: readonly StoredChannel[], now: number): number | undefined {
    return immediately(this.db, (): number | undefined => {
      const messageId = Number(this.db.prepare('INSERT INTO alert_messages (rule_id, idempotency_key, created_at, events) VALUES (?, ?, ?, 0)').run(ruleId, `cutting:${randomUUID()}`, now).lastInsertRowid);
      const taken = this.db.prepare('UPDATE alert_events SET message_id = ? WHERE rule_id = ? AND message_id IS NULL').run(messageId, ruleId).changes;
      if (taken === 0) {
        this.db.prepare('DELETE FROM alert_messages WHERE id = ?').run(messageId);
        return undefined;
      }
      const keys = this.db.prepare('SELECT event_key FROM alert_events WHERE message_id = ? ORDER BY id').pluck().all(messageId) as string[];
      const key = messageIdempotencyKey(ruleId, keys);
      this.db.prepare('UPDATE alert_messages SET idempotency_key = ?, events = ? WHERE id = ?').run(key, taken, messageId);
      const insert = this.db.prepare(
        `INSERT INTO alert_deliveries (message_id, rule_id, channel_id, kind, target, next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const channel of channels) insert.run(messageId, ruleId, channel.id, channel.kind, channel.target ?? null, now, now, now);
      return messageId;
    });
  }

  /** The events of a message, in the order they were queued. */
  messageEvents(messageId: number): AlertEvent[] {
    return (this.db.prepare('SELECT detail FROM alert_events WHERE message_id = ? ORDER BY id').pluck().all(messageId) as string[]).map((detail) => JSON.parse(detail) as AlertEvent);
  }

  /**
   * Claims the oldest due pending delivery of one of `kinds` for `leaseSeconds` (one statement, so two
   * processes never claim the same one), counting the attempt. Undefined when none is due.
   */
  claim(kinds: readonly AlertChannelKind[], now: number, leaseSeconds: number): ClaimedDelivery | undefined {
    if (kinds.length === 0) return undefined;
    const row = immediately(this.db, () => this.db
      .prepare(
        `UPDATE alert_deliveries SET lease_until = ?, attempts = attempts + 1, updated_at = ?
         WHERE id = (SELECT id FROM alert_deliveries WHERE state = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)
                     AND kind IN (${kinds.map(() => '?').join(', ')}) ORDER BY next_attempt_at, id LIMIT 1)
         RETURNING id, message_id, rule_id, channel_id, kind, target, attempts`,
      )
      .get(now + leaseSeconds, now, now, now, ...kinds) as
      | { id: number; message_id: number; rule_id: string; channel_id: number; kind: AlertChannelKind; target: string | null; attempts: number }
      | undefined);
    if (!row) return undefined;
    const message = this.db.prepare('SELECT idempotency_key, events, created_at FROM alert_messages WHERE id = ?').get(row.message_id) as { idempotency_key: string; events: number; created_at: number };
    return toClaimedDelivery({ ...row, ...message });
  }

  /** The delivery was sent. */
  markSent(id: number, now: number): void {
    this.db.prepare("UPDATE alert_deliveries SET state = 'sent', sent_at = ?, updated_at = ?, lease_until = NULL, last_error = NULL WHERE id = ?").run(now, now, id);
  }

  /** The attempt failed: try again at `retryAt`, or give up (`retryAt` undefined), saying why. */
  markFailed(id: number, error: string, now: number, retryAt?: number): void {
    if (retryAt === undefined) {
      this.db.prepare("UPDATE alert_deliveries SET state = 'failed', last_error = ?, updated_at = ?, lease_until = NULL WHERE id = ?").run(error, now, id);
    } else {
      this.db.prepare('UPDATE alert_deliveries SET last_error = ?, next_attempt_at = ?, updated_at = ?, lease_until = NULL WHERE id = ?').run(error, retryAt, now, id);
    }
  }

  /** Puts a claimed delivery back without counting the attempt (nothing could take it yet: quiet hours, no desktop). */
  postpone(id: number, reason: string, until: number, now: number): void {
    this.db.prepare('UPDATE alert_deliveries SET attempts = attempts - 1, last_error = ?, next_attempt_at = ?, updated_at = ?, lease_until = NULL WHERE id = ?').run(reason, until, now, id);
  }

  /** When the next pending delivery of one of `kinds` is due (Unix seconds), or undefined. */
  nextDue(kinds: readonly AlertChannelKind[]): number | undefined {
    if (kinds.length === 0) return undefined;
    const at = this.db
      .prepare(`SELECT min(max(next_attempt_at, coalesce(lease_until, 0))) FROM alert_deliveries WHERE state = 'pending' AND kind IN (${kinds.map(() => '?').join(', ')})`)
      .pluck()
      .get(...kinds) as number | null;
    return at ?? undefined;
  }

  /** How many deliveries of `kinds` are pending (`ocm sync` says which it leaves for later). */
  pendingCount(kinds?: readonly AlertChannelKind[]): number {
    const filter = kinds ? ` AND kind IN (${kinds.map(() => '?').join(', ')})` : '';
    return Number(this.db.prepare(`SELECT count(*) FROM alert_deliveries WHERE state = 'pending'${filter}`).pluck().get(...(kinds ?? [])));
  }

  /** The delivery log, newest first. */
  deliveries(options: { ruleId?: string; id?: number; limit?: number } = {}): AlertDelivery[] {
    const where = options.id !== undefined ? 'WHERE d.id = ?' : options.ruleId ? 'WHERE d.rule_id = ?' : '';
    const rows = this.db
      .prepare(
        `SELECT d.id, d.rule_id, r.name AS rule_name, d.kind, d.target, d.state, d.attempts, m.idempotency_key, m.events, d.created_at, d.updated_at, d.sent_at, d.next_attempt_at, d.last_error
         FROM alert_deliveries d JOIN alert_messages m ON m.id = d.message_id LEFT JOIN alert_rules r ON r.id = d.rule_id
         ${where} ORDER BY d.id DESC LIMIT ?`,
      )
      .all(...(options.id !== undefined ? [options.id] : options.ruleId ? [options.ruleId] : []), Math.max(1, Math.min(options.limit ?? 200, 5000))) as DeliveryRow[];
    return rows.map(toDelivery);
  }

  /** One delivery's log line. */
  delivery(id: number): AlertDelivery | undefined {
    return this.deliveries({ id })[0];
  }

  /** The e-mail server, or undefined. */
  smtp(): StoredSmtp | undefined {
    const value = this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(SMTP_KEY) as string | undefined;
    return value === undefined ? undefined : (JSON.parse(value) as StoredSmtp);
  }

  /** Sets (or with undefined, removes) the e-mail server. */
  setSmtp(smtp: StoredSmtp | undefined): void {
    if (smtp === undefined) this.db.prepare('DELETE FROM settings WHERE key = ?').run(SMTP_KEY);
    else this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(SMTP_KEY, JSON.stringify(smtp));
  }

  private bumpRevision(): void {
    this.db
      .prepare("INSERT INTO settings (key, value) VALUES (?, '1') ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)")
      .run(REVISION_KEY);
  }
}

/**
 * Runs `work` in a transaction that takes the write lock first (BEGIN IMMEDIATE): in WAL mode a
 * transaction that read before writing could fail when another process wrote meanwhile; this one waits
 * for the lock (the busy timeout) and then reads what that process committed.
 */
function immediately<T>(db: SqlDatabase, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

function toRule(row: RuleRow, channels: (StoredChannel & { target: string | null; secret: string | null })[]): StoredRule {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled === 1,
    condition: JSON.parse(row.condition) as AlertCondition,
    timing: JSON.parse(row.timing) as AlertTiming,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    channels: channels.map(toStoredChannel),
  };
}

/** A channel row as both stores select it (NULL columns left out). */
export function toStoredChannel(channel: { id: number; kind: AlertChannelKind; target: string | null; secret: string | null }): StoredChannel {
  const stored: StoredChannel = { id: channel.id, kind: channel.kind };
  if (channel.target !== null) stored.target = channel.target;
  if (channel.secret !== null) stored.secret = channel.secret;
  return stored;
}

/** A claimed delivery row (with its message's columns) as both stores select it. */
export interface ClaimedRow {
  id: number;
  message_id: number;
  rule_id: string;
  channel_id: number;
  kind: AlertChannelKind;
  target: string | null;
  attempts: number;
  idempotency_key: string;
  events: number;
  created_at: number;
}

/** A claimed delivery row as the dispatcher takes it. */
export function toClaimedDelivery(row: ClaimedRow): ClaimedDelivery {
  const claimed: ClaimedDelivery = {
    id: row.id,
    messageId: row.message_id,
    ruleId: row.rule_id,
    channelId: row.channel_id,
    kind: row.kind,
    attempts: row.attempts,
    idempotencyKey: row.idempotency_key,
    events: row.events,
    createdAt: row.created_at,
  };
  if (row.target !== null) claimed.target = row.target;
  return claimed;
}

/** A delivery row as the contract's log line. */
export function toDelivery(row: DeliveryRow): AlertDelivery {
  const delivery: AlertDelivery = {
    id: row.id,
    ruleId: row.rule_id,
    ruleName: row.rule_name ?? row.rule_id,
    channel: row.kind,
    state: row.state,
    attempts: row.attempts,
    events: row.events,
    idempotencyKey: row.idempotency_key,
    createdAt: isoFromSeconds(row.created_at),
    updatedAt: isoFromSeconds(row.updated_at),
  };
  if (row.target !== null) delivery.target = row.target;
  if (row.sent_at !== null) delivery.sentAt = isoFromSeconds(row.sent_at);
  if (row.state === 'pending') delivery.nextAttemptAt = isoFromSeconds(row.next_attempt_at);
  if (row.last_error !== null) delivery.error = row.last_error;
  return delivery;
}
