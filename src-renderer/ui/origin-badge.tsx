/**
 * Where a change came from, as a small badge: the module's log, polling of write dates, or Odoo's own
 * field tracking. Its tooltip says what that source cannot know, so no event claims more than it knows.
 */
import type { ChangeOrigin } from '../../src-main/common/model';
import { useTranslator } from '../i18n';
import { Icon } from './primitives';

/** The codicon of each origin (the list's rows draw it too). */
export const ORIGIN_ICON: Record<ChangeOrigin, string> = { module: 'database', polling: 'sync', tracking: 'comment-discussion' };

/** The badge of a row's origin (rows without one come from the module log). */
export function OriginBadge({ origin = 'module' }: { origin?: ChangeOrigin }) {
  const { t } = useTranslator();
  return (
    <span className={`origin-badge origin-${origin}`} data-origin={origin} title={t(`origin.${origin}.hint`)}>
      <Icon name={ORIGIN_ICON[origin]} />
      {t(`origin.${origin}`)}
    </span>
  );
}
