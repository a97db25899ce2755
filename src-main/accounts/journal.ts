/**
 * Journals a team admin action with the real user: the row is written before the action runs (as
 * 'failed' until it ends, so a crash leaves a trace) and finished with its outcome. An action whose
 * target is only known once it ran (adding an instance) is written when it ends.
 */
import { toOcmError } from '../common/errors';
import type { InstanceId, TeamJournalAction } from '../common/model';
import type { JournalPort } from '../store/ports';

/** The journal as the accounts feature writes it. */
export type ActionJournal = Pick<JournalPort, 'begin' | 'finish'>;

/** What is journaled: the action, on which instance ('' for user actions), by whom, and a summary. */
export interface JournaledAction {
  action: TeamJournalAction;
  actor: string;
  /** The instance acted on; a function of the result when only known after (an added instance). */
  instance?: { id: InstanceId; name: string } | ((result: unknown) => { id: InstanceId; name: string });
  description: string;
}

/** Runs `work`, journaled as `what`. */
export async function journaled<T>(journal: ActionJournal, what: JournaledAction, work: () => Promise<T>): Promise<T> {
  const begin = (instance: { id: InstanceId; name: string } | undefined) =>
    journal.begin({ at: new Date(), actor: what.actor, instanceId: instance?.id ?? '', instanceName: instance?.name ?? '', action: what.action, description: what.description, requested: 1 });
  const known = typeof what.instance === 'function' ? undefined : what.instance;
  const early = typeof what.instance === 'function' ? undefined : await begin(known);
  try {
    const result = await work();
    const id = early ?? (await begin(typeof what.instance === 'function' ? what.instance(result) : undefined));
    await journal.finish(id, { succeeded: 1, result: 'ok' });
    return result;
  } catch (error) {
    const id = early ?? (await begin(undefined));
    await journal.finish(id, { succeeded: 0, result: 'failed', error: toOcmError(error).message });
    throw error;
  }
}
