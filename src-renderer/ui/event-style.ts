/** How each change event looks: codicon and colour class. */
import type { ChangeEvent, InstanceState } from '../../src-main/common/model';

/** Codicon per event. */
export const EVENT_ICON: Record<ChangeEvent, string> = { create: 'add', write: 'edit', unlink: 'trash' };

/** Codicon per instance state. */
export const STATE_ICON: Record<InstanceState, string> = {
  idle: 'circle-outline',
  syncing: 'sync',
  'up-to-date': 'pass',
  error: 'error',
  offline: 'debug-disconnect',
  paused: 'debug-pause',
};
