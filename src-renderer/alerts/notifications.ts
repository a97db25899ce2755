/**
 * Desktop alerts in browser mode: the browser's Notification API, after the user allowed it. The
 * workbench listens to the alert service's notices only once notifications may be shown, so the service
 * keeps desktop deliveries pending (and says so) while no open workbench can show them. The Electron
 * shell shows its own notifications and never listens here.
 */
import type { Disposable } from '../../src-main/common/event';
import type { Services } from '../../src-main/common/services';
import { appEvents } from '../workbench/app-events';

let subscription: Disposable | undefined;

/** 'granted', 'denied', 'default' (not asked yet) or 'unsupported'. */
export function notificationPermission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Starts showing the service's notices when the browser allows it (idempotent). */
export function listenForNotices(services: Services, hostKind: 'electron' | 'browser' | undefined): void {
  if (hostKind !== 'browser' || subscription || notificationPermission() !== 'granted') return;
  subscription = services.alerts.onDidNotify((notice) => {
    const shown = notificationPermission() === 'granted';
    if (shown) new Notification(notice.title, { body: notice.body, tag: notice.id });
    appEvents.emit('alert-notified', { id: notice.id, shown });
  });
}

/** Asks the browser for permission (from a click), then listens; resolves with the answer. */
export async function askForNotifications(services: Services, hostKind: 'electron' | 'browser' | undefined): Promise<NotificationPermission | 'unsupported'> {
  if (notificationPermission() === 'unsupported') return 'unsupported';
  const answer = await Notification.requestPermission();
  listenForNotices(services, hostKind);
  return answer;
}
