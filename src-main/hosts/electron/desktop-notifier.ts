/** Desktop alerts in the desktop shell: Electron's own notifications, which focus the window when clicked. */
import { Notification, type BrowserWindow } from 'electron';
import type { DesktopNotifier } from '../../alerts/senders';

/** A notifier showing each alert as a system notification; false where the OS offers none. */
export function createElectronNotifier(window: () => BrowserWindow | undefined): DesktopNotifier {
  return (notice) => {
    if (!Notification.isSupported()) return false;
    const notification = new Notification({ title: notice.title, body: notice.body });
    notification.on('click', () => {
      const target = window();
      if (!target) return;
      if (target.isMinimized()) target.restore();
      target.focus();
    });
    notification.show();
    return true;
  };
}
