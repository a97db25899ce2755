/**
 * Alert rules and the alert outbox on the team mirror (`alert_rules`, `alert_channels`, `alert_events`,
 * `alert_messages`, `alert_deliveries`, PostgreSQL migration 4), with the meaning of the SQLite
 * AlertRepository (store/repositories/alerts.ts, whose types are reused). Several collectors share one
 * database: grouping locks the waiting events it takes (a second process finds none left), and a claim
 * picks its delivery with FOR UPDATE SKIP LOCKED in the statement that leases it, so two processes never
 * claim the same delivery and never wait on each other's claim.
 */
import { randomUUID } from 'node:crypto';
import { OcmError } from '../../../common/errors';
import type { AlertChannelKind, AlertCondition, AlertDelivery, AlertEvent, AlertTiming } from '../../../common/alerts';
import type { AlertsPort } from '../../ports';
import { messageIdempotencyKey, toClaimedDelivery, toDelivery, toStoredChannel, type ClaimedDelivery, type ClaimedRow, type DeliveryRow, type QueuedEvent, type StoredChannel, type StoredRule, type StoredSmtp, type WaitingRule } from '../../repositories/alerts';
import type { PgConnection } from '../connection';
import type { PgTransaction } from '../insert-hook';

/** The settings key bumped with every rule change (the queue reloads its rules when it moves). */
const REVISION_KEY = 'alerts.revision';
/** The settings key of the e-mail server. */
const SMTP_KEY = 'alerts.smtp';
/** SQLSTATE of a unique violation. */
const UNIQUE_VIOLATION = '23505';

/** The pool or a transaction of it: whatever runs a statement. */
type PgRunner = PgConnection | PgTransaction;

/** Runs one statement with bound values (prepared once per connection) and returns its rows. */
async function rows<T>(sql: PgRunner, text: string, params: readonly unknown[] = []): Promise<T[]> {
  return (await sql.unsafe(text, params as never[], { prepare: true })) as unknown as T[];
}

const QUEUE_EVENTS = `
INSERT INTO alert_events (rule_id, event_key, instance_id, at, queued_at, detail)
SELECT rule_id, event_key, instance_id, at, $6, detail::jsonb
FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[]) WITH ORDINALITY AS input (rule_id, event_key, instance_id, at, detail, position)
ORDER BY position
ON CONFLICT (rule_id, event_key) DO NOTHING`;

/**
 * Queues events on `sql` (the pool, or the mirror's insert transaction): those already queued for the
 * same rule are skipped. Returns how many were new.
 */
export async function pgQueueEvents(sql: PgRunner, events: readonly QueuedEvent[], now: number): Promise<number> {
  if (events.length === 0) return 0;
  const result = await sql.unsafe(
    QUEUE_EVENTS,
    [events.map((event) => event.ruleId), events.map((event) => event.eventKey), events.map((event) => event.instanceId), events.map((event) => event.at), events.map((event) => JSON.stringify(event.detail)), now] as never[],
    { prepare: true },
  );
  return result.count;
}

interface RuleRow {
  id: string;
  name: string;
  enabled: boolean;
  condition: AlertCondition;
  timing: AlertTiming;
  created_at: number;
  updated_at: number;
  channels: { id: number; kind: AlertChannelKind; target: string | null; secret: string | null }[];
}

/** Reads and writes the alert tables of the team mirror. */
export class PgAlertRepository implements AlertsPort {
  constructor(private readonly sql: PgConnection) {}

  async revision(): Promise<number> {
    const [row] = await rows<{ value: unknown }>(this.sql, 'SELECT value FROM settings WHERE key = $1', [REVISION_KEY]);
    return row === undefined ? 0 : Number(row.value);
  }

  /** Every rule with its channels, by name (ASCII case folded, as SQLite's NOCASE). */
  async list(): Promise<StoredRule[]> {
    return this.rules();
  }

  async get(id: string): Promise<StoredRule | undefined> {
    return (await this.rules(id))[0];
  }

  async save(rule: { id?: string; name: string; enabled: boolean; condition: AlertCondition; timing: AlertTiming; channels: Omit<StoredChannel, 'id'>[] }, now: number): Promise<string> {
    const id = rule.id ?? randomUUID();
    const taken = () => new OcmError('conflict', `An alert rule named "${rule.name}" already exists.`, { hint: 'Choose another name, or edit that rule.' });
    try {
      await this.sql.begin(async (tx) => {
        const clash = await rows(tx, 'SELECT id FROM alert_rules WHERE lower(name COLLATE "C") = lower($1 COLLATE "C") AND id <> $2', [rule.name, id]);
        if (clash.length) throw taken();
        await rows(
          tx,
          `INSERT INTO alert_rules (id, name, enabled, condition, timing, created_at, updated_at) VALUES ($1, $2, $3, $4::text::jsonb, $5::text::jsonb, $6, $6)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, enabled = excluded.enabled, condition = excluded.condition, timing = excluded.timing, updated_at = excluded.updated_at`,
          [id, rule.name, rule.enabled, JSON.stringify(rule.condition), JSON.stringify(rule.timing), now],
        );
        await rows(tx, 'DELETE FROM alert_channels WHERE rule_id = $1', [id]);
        if (rule.channels.length) {
          await rows(
            tx,
            `INSERT INTO alert_channels (rule_id, position, kind, target, secret)
             SELECT $1, position - 1, kind, target, secret FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS input (kind, target, secret, position) ORDER BY position`,
            [id, rule.channels.map((channel) => channel.kind), rule.channels.map((channel) => channel.target ?? null), rule.channels.map((channel) => channel.secret ?? null)],
          );
        }
        await bumpRevision(tx);
      });
    } catch (error) {
      // Two saves of one name at once: the index decides, with the same message as the check.
      if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) throw taken();
      throw error;
    }
    return id;
  }

  async remove(id: string, now: number): Promise<void> {
    await this.sql.begin(async (tx) => {
      if ((await tx.unsafe('DELETE FROM alert_rules WHERE id = $1', [id])).count === 0) throw new OcmError('not-found', `No alert rule with id ${id}.`);
      await rows(tx, 'DELETE FROM alert_events WHERE rule_id = $1 AND message_id IS NULL', [id]);
      await rows(tx, "UPDATE alert_deliveries SET state = 'failed', last_error = 'The rule was removed.', lease_until = NULL, updated_at = $1 WHERE rule_id = $2 AND state = 'pending'", [now, id]);
      await bumpRevision(tx);
    });
  }

  async queue(events: readonly QueuedEvent[], now: number): Promise<number> {
    return pgQueueEvents(this.sql, events, now);
  }

  async hasEvent(ruleId: string, eventKey: string): Promise<boolean> {
    return (await rows(this.sql, 'SELECT 1 FROM alert_events WHERE rule_id = $1 AND event_key = $2', [ruleId, eventKey])).length > 0;
  }

  async waiting(): Promise<WaitingRule[]> {
    return rows<WaitingRule>(
      this.sql,
      'SELECT rule_id AS "ruleId", count(*) AS events, min(queued_at) AS "firstQueuedAt" FROM alert_events WHERE message_id IS NULL GROUP BY rule_id ORDER BY rule_id COLLATE "C"',
    );
  }

  async lastMessageAt(ruleId: string): Promise<number | undefined> {
    const [row] = await rows<{ at: number | null }>(this.sql, 'SELECT max(created_at) AS at FROM alert_messages WHERE rule_id = $1', [ruleId]);
    return row.at ?? undefined;
  }

  /**
   * Groups every waiting event of the rule into one message with one pending delivery per channel, in one
   * transaction. The events are locked first (FOR UPDATE): a process grouping the same rule at once waits,
   * then finds them taken and gets undefined, and no message is made for nothing.
   */
  async cutMessage(ruleId: string, channels: readonly StoredChannel[], now: number): Promise<number | undefined> {
    return (await this.sql.begin(async (tx) => {
      const waiting = await rows<{ id: number; event_key: string }>(tx, 'SELECT id, event_key FROM alert_events WHERE rule_id = $1 AND message_id IS NULL ORDER BY id FOR UPDATE', [ruleId]);
      if (waiting.length === 0) return undefined;
      const key = messageIdempotencyKey(ruleId, waiting.map((event) => event.event_key));
      const [message] = await rows<{ id: number }>(tx, 'INSERT INTO alert_messages (rule_id, idempotency_key, created_at, events) VALUES ($1, $2, $3, $4) RETURNING id', [ruleId, key, now, waiting.length]);
      await rows(tx, 'UPDATE alert_events SET message_id = $1 WHERE id = ANY($2::bigint[])', [message.id, waiting.map((event) => event.id)]);
      if (channels.length) {
        await rows(
          tx,
          `INSERT INTO alert_deliveries (message_id, rule_id, channel_id, kind, target, next_attempt_at, created_at, updated_at)
           SELECT $1, $2, channel_id, kind, target, $6, $6, $6 FROM unnest($3::bigint[], $4::text[], $5::text[]) WITH ORDINALITY AS input (channel_id, kind, target, position) ORDER BY position`,
          [message.id, ruleId, channels.map((channel) => channel.id), channels.map((channel) => channel.kind), channels.map((channel) => channel.target ?? null), now],
        );
      }
      return message.id;
    })) as number | undefined;
  }

  async messageEvents(messageId: number): Promise<AlertEvent[]> {
    return (await rows<{ detail: AlertEvent }>(this.sql, 'SELECT detail FROM alert_events WHERE message_id = $1 ORDER BY id', [messageId])).map((row) => row.detail);
  }

  /**
   * Claims the oldest due pending delivery of one of `kinds` for `leaseSeconds`, counting the attempt: one
   * statement whose row lock (FOR UPDATE SKIP LOCKED) makes a concurrent claimer pass over it to the next.
   */
  async claim(kinds: readonly AlertChannelKind[], now: number, leaseSeconds: number): Promise<ClaimedDelivery | undefined> {
    if (kinds.length === 0) return undefined;
    const [row] = await rows<ClaimedRow>(
      this.sql,
      `WITH due AS (
         SELECT id FROM alert_deliveries
         WHERE state = 'pending' AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until < $3) AND kind = ANY($4::text[])
         ORDER BY next_attempt_at, id LIMIT 1
         FOR UPDATE SKIP LOCKED
       )
       UPDATE alert_deliveries d SET lease_until = $1, attempts = d.attempts + 1, updated_at = $2
       FROM due, alert_messages m
       WHERE d.id = due.id AND m.id = d.message_id
       RETURNING d.id, d.message_id, d.rule_id, d.channel_id, d.kind, d.target, d.attempts, m.idempotency_key, m.events, m.created_at`,
      [now + leaseSeconds, now, now, [...kinds]],
    );
    return row && toClaimedDelivery(row);
  }

  async markSent(id: number, now: number): Promise<void> {
    await rows(this.sql, "UPDATE alert_deliveries SET state = 'sent', sent_at = $1, updated_at = $1, lease_until = NULL, last_error = NULL WHERE id = $2", [now, id]);
  }

  async markFailed(id: number, error: string, now: number, retryAt?: number): Promise<void> {
    if (retryAt === undefined) {
      await rows(this.sql, "UPDATE alert_deliveries SET state = 'failed', last_error = $1, updated_at = $2, lease_until = NULL WHERE id = $3", [error, now, id]);
    } else {
      await rows(this.sql, 'UPDATE alert_deliveries SET last_error = $1, next_attempt_at = $2, updated_at = $3, lease_until = NULL WHERE id = $4', [error, retryAt, now, id]);
    }
  }

  async postpone(id: number, reason: string, until: number, now: number): Promise<void> {
    await rows(this.sql, 'UPDATE alert_deliveries SET attempts = attempts - 1, last_error = $1, next_attempt_at = $2, updated_at = $3, lease_until = NULL WHERE id = $4', [reason, until, now, id]);
  }

  async nextDue(kinds: readonly AlertChannelKind[]): Promise<number | undefined> {
    if (kinds.length === 0) return undefined;
    const [row] = await rows<{ at: number | null }>(
      this.sql,
      "SELECT min(greatest(next_attempt_at, coalesce(lease_until, 0))) AS at FROM alert_deliveries WHERE state = 'pending' AND kind = ANY($1::text[])",
      [[...kinds]],
    );
    return row.at ?? undefined;
  }

  async pendingCount(kinds?: readonly AlertChannelKind[]): Promise<number> {
    const [row] = kinds
      ? await rows<{ n: number }>(this.sql, "SELECT count(*) AS n FROM alert_deliveries WHERE state = 'pending' AND kind = ANY($1::text[])", [[...kinds]])
      : await rows<{ n: number }>(this.sql, "SELECT count(*) AS n FROM alert_deliveries WHERE state = 'pending'");
    return row.n;
  }

  async deliveries(options: { ruleId?: string; id?: number; limit?: number } = {}): Promise<AlertDelivery[]> {
    const where = options.id !== undefined ? 'WHERE d.id = $2' : options.ruleId ? 'WHERE d.rule_id = $2' : '';
    const limit = Math.max(1, Math.min(options.limit ?? 200, 5000));
    const found = await rows<DeliveryRow>(
      this.sql,
      `SELECT d.id, d.rule_id, r.name AS rule_name, d.kind, d.target, d.state, d.attempts, m.idempotency_key, m.events, d.created_at, d.updated_at, d.sent_at, d.next_attempt_at, d.last_error
       FROM alert_deliveries d JOIN alert_messages m ON m.id = d.message_id LEFT JOIN alert_rules r ON r.id = d.rule_id
       ${where} ORDER BY d.id DESC LIMIT $1`,
      [limit, ...(options.id !== undefined ? [options.id] : options.ruleId ? [options.ruleId] : [])],
    );
    return found.map(toDelivery);
  }

  async delivery(id: number): Promise<AlertDelivery | undefined> {
    return (await this.deliveries({ id }))[0];
  }

  async smtp(): Promise<StoredSmtp | undefined> {
    const [row] = await rows<{ value: StoredSmtp }>(this.sql, 'SELECT value FROM settings WHERE key = $1', [SMTP_KEY]);
    return row?.value;
  }

  async setSmtp(smtp: StoredSmtp | undefined): Promise<void> {
    if (smtp === undefined) await rows(this.sql, 'DELETE FROM settings WHERE key = $1', [SMTP_KEY]);
    else await rows(this.sql, 'INSERT INTO settings (key, value) VALUES ($1, $2::text::jsonb) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [SMTP_KEY, JSON.stringify(smtp)]);
  }

  /** The rules (all, or the one with `id`) with their channels, read in one statement (one snapshot: never a rule half saved). */
  private async rules(id?: string): Promise<StoredRule[]> {
    const found = await rows<RuleRow>(
      this.sql,
      `SELECT r.id, r.name, r.enabled, r.condition, r.timing, r.created_at, r.updated_at,
              coalesce((SELECT json_agg(json_build_object('id', c.id, 'kind', c.kind, 'target', c.target, 'secret', c.secret) ORDER BY c.position)
                        FROM alert_channels c WHERE c.rule_id = r.id), '[]') AS channels
       FROM alert_rules r ${id === undefined ? '' : 'WHERE r.id = $1'} ORDER BY lower(r.name COLLATE "C")`,
      id === undefined ? [] : [id],
    );
    return found.map(toRule);
  }
}

/** Moves the rules' revision in the transaction that changed them. */
async function bumpRevision(tx: PgTransaction): Promise<void> {
  await rows(
    tx,
    "INSERT INTO settings (key, value) VALUES ($1, '1'::jsonb) ON CONFLICT (key) DO UPDATE SET value = to_jsonb((settings.value #>> '{}')::bigint + 1)",
    [REVISION_KEY],
  );
}

function toRule(row: RuleRow): StoredRule {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    condition: row.condition,
    timing: row.timing,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    channels: row.channels.map(toStoredChannel),
  };
}
