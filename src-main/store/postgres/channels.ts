/**
 * The NOTIFY channels the processes of one team database talk on (change notices, sync requests, sync
 * events): one way to send a payload, one way to listen. A listener is handed only what its channel's
 * reader accepts (a payload that is not JSON, or not that channel's shape, is dropped: a foreign sender,
 * another version), and, for messages naming their sender, only other senders' messages.
 */
import type { PgConnection } from './connection';
import type { PgTransaction } from './insert-hook';

/** Sends `payload` on `channel`: in a transaction, when it commits (and never when it rolls back); on the pool, at once. */
export async function pgNotify(sql: PgConnection | PgTransaction, channel: string, payload: string): Promise<void> {
  await sql.unsafe('SELECT pg_notify($1, $2)', [channel, payload], { prepare: true });
}

/** The JSON value of a payload, or undefined when it is not JSON. */
export function jsonOf(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    return undefined;
  }
}

/**
 * LISTENs on the pool's listening connection (postgres.js keeps one apart from the pool and listens again
 * after a reconnect) and hands `listener` each payload `read` accepts. Resolves once the LISTEN is active.
 */
export async function pgListen<M>(sql: PgConnection, channel: string, read: (payload: string) => M | undefined, listener: (message: M) => void): Promise<{ unlisten(): Promise<void> }> {
  const { unlisten } = await sql.listen(channel, (payload) => {
    const message = read(payload);
    if (message !== undefined) listener(message);
  });
  return { unlisten: async () => void (await unlisten()) };
}

/** A message without the name of its sender (each member of a union alike). */
export type WithoutOrigin<M> = M extends unknown ? Omit<M, 'origin'> : never;

/** `listener` for the messages other senders than `origin` sent, without their sender's name: a process skips its own. */
export function fromOthers<M extends { origin: string }>(origin: string, listener: (message: WithoutOrigin<M>) => void): (message: M) => void {
  return ({ origin: sender, ...message }) => {
    if (sender !== origin) listener(message as unknown as WithoutOrigin<M>);
  };
}
