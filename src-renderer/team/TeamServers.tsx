/**
 * The team servers in the instance tree (desktop and `ocm ui`): one group per server, named, with its
 * state, an "All instances of …" entry and its instances; and the "Add team server" dialog (URL, login,
 * password). Instances of a server are read through the same services as local ones (the host routes
 * them), so the rest of the workbench needs nothing else.
 */
import { useEffect, useState, type ReactNode } from 'react';
import type { InstanceConfig } from '../../src-main/common/model';
import type { TeamServerInfo } from '../../src-main/common/team';
import { useTranslator, type MessageKey } from '../i18n';
import { Dialog, ErrorBanner, Icon } from '../ui/primitives';
import { useTeamServers } from './context';

/** The team servers this workbench reads, kept current. */
export function useTeamServerList(): TeamServerInfo[] {
  const teams = useTeamServers();
  const [servers, setServers] = useState<TeamServerInfo[]>([]);
  useEffect(() => {
    if (!teams) return;
    let live = true;
    teams.list().then((list) => live && setServers(list), () => undefined);
    const subscription = teams.onDidChangeServers((list) => setServers(list));
    return () => {
      live = false;
      subscription.dispose();
    };
  }, [teams]);
  return servers;
}

/** One group per team server under the local instances. */
export function TeamServerGroups({ instances, openAll, renderInstance }: { instances: InstanceConfig[]; openAll(instanceIds: string[]): void; renderInstance(instance: InstanceConfig): ReactNode }) {
  const teams = useTeamServers();
  const servers = useTeamServerList();
  const { t } = useTranslator();
  const [signingIn, setSigningIn] = useState<TeamServerInfo>();
  if (!teams || servers.length === 0) return null;
  return (
    <>
      {servers.map((server) => {
        const members = instances.filter((instance) => instance.access?.server?.id === server.id);
        const state = t(`team.servers.state.${server.state}` as MessageKey, { login: server.login, role: server.role ? t(`team.role.${server.role}` as MessageKey) : '' });
        return (
          <li key={server.id} className="tree-item tree-group" role="treeitem" aria-expanded aria-selected={false} data-team-server={server.name} data-state={server.state}>
            <div className="tree-group-title">
              <Icon name="remote" />
              <span>{server.name}</span>
              <span className="spacer" />
              {server.state === 'signed-out' && (
                <button type="button" className="icon-button" title={t('team.servers.signIn')} aria-label={t('team.servers.signIn')} onClick={() => setSigningIn(server)}>
                  <Icon name="sign-in" />
                </button>
              )}
              <button type="button" className="icon-button" title={t('team.servers.removeFor', { name: server.name })} aria-label={t('team.servers.removeFor', { name: server.name })} onClick={() => void teams.remove(server.id)}>
                <Icon name="close" />
              </button>
            </div>
            <div className={`team-server-state ${server.state}`} title={server.error?.message}>{state}</div>
            <ul role="group" className="tree">
              {members.length > 0 ? (
                <>
                  <li className="tree-item" role="treeitem" aria-selected={false}>
                    <button type="button" className="tree-row" onClick={() => openAll(members.map((instance) => instance.id))}>
                      <Icon name="layers" />
                      <span className="tree-label"><span className="tree-name">{t('team.servers.allInstances', { name: server.name })}</span></span>
                    </button>
                  </li>
                  {members.map(renderInstance)}
                </>
              ) : (
                server.state === 'connected' && <li className="side-note muted">{t('team.servers.noInstances')}</li>
              )}
            </ul>
          </li>
        );
      })}
      {signingIn && <TeamServerDialog server={signingIn} onClose={() => setSigningIn(undefined)} />}
    </>
  );
}

/** The "Add team server" button of the side bar's title (nothing where the host has no team-server list). */
export function AddTeamServerButton() {
  const teams = useTeamServers();
  const { t } = useTranslator();
  const [open, setOpen] = useState(false);
  if (!teams) return null;
  return (
    <>
      <button type="button" className="icon-button" title={t('team.servers.add')} aria-label={t('team.servers.add')} data-testid="add-team-server" onClick={() => setOpen(true)}>
        <Icon name="remote" />
      </button>
      {open && <TeamServerDialog onClose={() => setOpen(false)} />}
    </>
  );
}

/** Adds a team server, or (given `server`) signs in to it again. */
function TeamServerDialog({ server, onClose }: { server?: TeamServerInfo; onClose(): void }) {
  const teams = useTeamServers()!;
  const { t } = useTranslator();
  const [url, setUrl] = useState(server?.url ?? '');
  const [name, setName] = useState('');
  const [login, setLogin] = useState(server?.login ?? '');
  const [password, setPassword] = useState('');
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<unknown>();
  const submit = () => {
    setWorking(true);
    setError(undefined);
    const done = server ? teams.signIn(server.id, password) : teams.add({ url: url.trim(), login: login.trim(), password, ...(name.trim() ? { name: name.trim() } : {}) });
    done.then(onClose, (failure: unknown) => {
      setWorking(false);
      setError(failure);
    });
  };
  const ready = password && (server || (url.trim() && login.trim()));
  return (
    <Dialog
      title={server ? `${t('team.servers.signIn')}: ${server.name}` : t('team.servers.add')}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button secondary" onClick={onClose}>{t('common.cancel')}</button>
          <button type="button" className="button" disabled={!ready || working} data-testid="team-server-submit" onClick={submit}>
            {working ? t('team.signIn.working') : t('team.signIn.submit')}
          </button>
        </>
      }
    >
      {!server && (
        <>
          <label className="form-field">
            <span>{t('team.servers.url')}</span>
            <input name="team-url" dir="ltr" placeholder="https://ocm.example.com" value={url} onChange={(event) => setUrl(event.target.value)} autoFocus />
            <small className="muted">{t('team.servers.urlHint')}</small>
          </label>
          <label className="form-field">
            <span>{t('team.servers.name')}</span>
            <input name="team-name" dir="auto" value={name} onChange={(event) => setName(event.target.value)} />
          </label>
          <label className="form-field">
            <span>{t('team.signIn.login')}</span>
            <input name="team-login" dir="auto" autoComplete="username" value={login} onChange={(event) => setLogin(event.target.value)} />
          </label>
        </>
      )}
      <label className="form-field">
        <span>{t('team.signIn.password')}</span>
        <input name="team-password" type="password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.target.value)} onKeyDown={(event) => event.key === 'Enter' && ready && submit()} />
        <small className="muted">{t('team.servers.passwordHint')}</small>
      </label>
      {error !== undefined && <ErrorBanner error={error} />}
    </Dialog>
  );
}
