/**
 * What the person at the workbench may do with an instance, as its `access` says (a team server's role);
 * an instance without `access` is their own. The server enforces every rule: this only hides what would
 * be refused, and says why on hover.
 */
import type { ReactNode } from 'react';
import type { InstanceConfig, TeamRole } from '../../src-main/common/model';
import { roleAllows } from '../../src-main/common/team';
import { useTranslator, type MessageKey } from '../i18n';
import { Icon } from '../ui/primitives';

/** An action an instance's role may not allow. */
export type GuardedAction = 'delete' | 'orphans' | 'manage';

const NEEDED: Record<GuardedAction, TeamRole> = { delete: 'operator', orphans: 'operator', manage: 'admin' };

/** True when the workbench's person may do `action` on `instance` (unknown instances: yes, the server decides). */
export function mayDo(instance: InstanceConfig | undefined, action: GuardedAction): boolean {
  const access = instance?.access;
  return !access || roleAllows(access.role, NEEDED[action]);
}

/** Why `action` is not offered on `instance`, in the UI's language; undefined when it is allowed. */
export function useLockReason(instance: InstanceConfig | undefined, action: GuardedAction): string | undefined {
  const { t } = useTranslator();
  if (mayDo(instance, action)) return undefined;
  const access = instance!.access!;
  const server = access.server?.name ?? t('team.thisServer');
  return t(`team.locked.${action}` as MessageKey, { server, role: t(`team.role.${access.role}` as MessageKey) });
}

/** Stands in for an action the role does not allow: a lock whose hover text says why. */
export function LockedAction({ reason, testId }: { reason: string; testId?: string }) {
  return (
    <span className="icon-button locked-action" role="img" title={reason} aria-label={reason} data-testid={testId ?? 'locked-action'}>
      <Icon name="lock" />
    </span>
  );
}

/** Renders `children` (the action) when the role allows it on `instance`, else a lock saying why. */
export function Guarded({ instance, action, children }: { instance: InstanceConfig | undefined; action: GuardedAction; children: ReactNode }) {
  const reason = useLockReason(instance, action);
  return reason ? <LockedAction reason={reason} testId={`locked-${action}`} /> : <>{children}</>;
}
