/** The signed-in person in the status bar of a team server's workbench, with "Sign out". */
import { useTranslator, type MessageKey } from '../i18n';
import { Icon } from '../ui/primitives';
import { useTeamSession } from './context';

/** Nothing on a workstation. */
export function TeamAccount() {
  const team = useTeamSession();
  const { t } = useTranslator();
  if (!team) return null;
  const { account } = team;
  return (
    <>
      <span className="status-item" data-testid="team-account" data-role={account.role} title={account.displayName ?? account.login}>
        <Icon name="account" /> {t('team.account', { login: account.login, role: t(`team.role.${account.role}` as MessageKey) })}
      </span>
      <button type="button" className="status-item" data-testid="sign-out" onClick={() => team.signOut()}>
        <Icon name="sign-out" /> {t('team.signOut')}
      </button>
    </>
  );
}
