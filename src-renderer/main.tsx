/**
 * Renderer entry: connects to the host (Electron bridge or WebSocket), builds typed service proxies,
 * loads the workbench state and renders it. Failing to connect shows what happened and what to do.
 */
import '@vscode/codicons/dist/codicon.css';
import './styles/theme.css';
import './styles/workbench.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { toOcmError } from '../src-main/common/errors';
import type { AccountInfo, IAccountService, ITeamServerService, IUserService } from '../src-main/common/team';
import { CommandRegistry } from './commands/registry';
import { createTranslator } from './i18n';
import { connect, connectTeamWebSocket, type Connection } from './services/transport';
import { createServiceProxies, ServicesContext } from './services/services';
import { TeamServersContext, TeamSessionContext, type TeamSession } from './team/context';
import { LoginPage } from './team/LoginPage';
import { probeServer, signOut } from './team/session';
import { App } from './workbench/App';
import { appEvents } from './workbench/app-events';
import { openDefaultTabs, registerCommands, startController } from './workbench/controller';
import { StoreContext, WorkbenchStore } from './workbench/store';

performance.mark('ocm:script-start');
const container = document.getElementById('root')!;
const root = createRoot(container);

/** Shows a connection failure (there is no workbench to show it in). */
function renderFailure(message: string, hint: string): void {
  const t = createTranslator(navigator.language.startsWith('ar') ? 'ar' : 'en');
  document.documentElement.dir = t.direction;
  root.render(
    <div className="boot-failure" role="alert" data-testid="boot-failure">
      <span className="codicon codicon-debug-disconnect" aria-hidden="true" />
      <h1>{t.t(message as never)}</h1>
      <p>{t.t(hint as never)}</p>
      <button type="button" className="button" onClick={() => location.reload()}>
        {t.t('app.reload')}
      </button>
    </div>,
  );
}

/** The WebSocket close code of a team server whose session ended (hosts/serve/team-server.ts). */
const SESSION_ENDED = 4401;

async function start(): Promise<void> {
  // A page without the workstation token may be a team server's: it signs people in instead.
  if (!window.ocm && !new URLSearchParams(location.search).has('token')) {
    const server = await probeServer();
    if (server.kind === 'team') return startTeam(server.account);
  }
  let connection;
  try {
    connection = await connect();
  } catch (error) {
    const missing = toOcmError(error).message === 'missing-token';
    renderFailure(missing ? 'app.missingToken' : 'app.connectionLost', missing ? 'app.missingTokenHint' : 'app.connectionLostHint');
    return;
  }
  await boot(connection);
}

/** A team server's page: the sign-in form until someone is signed in, then the workbench for them. */
async function startTeam(account: AccountInfo | undefined, ended = false): Promise<void> {
  if (!account) {
    root.render(<LoginPage ended={ended} onSignedIn={(signedIn) => void startTeam(signedIn)} />);
    return;
  }
  let connection;
  try {
    connection = await connectTeamWebSocket(location);
  } catch {
    renderFailure('app.connectionLost', 'app.connectionLostHint');
    return;
  }
  await boot(connection, account);
}

/** Builds the services over a connection and shows the workbench (for `account` on a team server). */
async function boot(connection: Connection, account?: AccountInfo): Promise<void> {
  const { client, services } = createServiceProxies(connection.port);
  let signingOut = false;
  const team: TeamSession | null = account
    ? {
        account,
        services: { account: client.proxy<IAccountService>('account'), users: client.proxy<IUserService>('users') },
        signOut: () => {
          signingOut = true;
          void signOut().finally(() => connection.close());
        },
      }
    : null;
  // A workstation whose host serves the team-server list offers "Add team server"; a team server's page does not.
  const teamsProxy = client.proxy<ITeamServerService>('teams');
  const teams = team ? null : await teamsProxy.list().then(() => teamsProxy, () => null);
  const store = new WorkbenchStore();
  const registry = new CommandRegistry();
  registerCommands(registry, store, services);
  // The desktop menu's items run the same commands as the palette and the keyboard.
  window.ocm?.onMenuCommand?.((command) => void registry.execute(command));
  connection.onClose((code) => {
    client.failPending(toOcmError(new Error('closed')));
    // A team session that ended (signed out, expired, revoked) asks for a sign-in again.
    if (team) void startTeam(undefined, code === SESSION_ENDED && !signingOut);
    else renderFailure('app.connectionLost', 'app.connectionLostHint');
  });
  root.render(
    <StrictMode>
      <ServicesContext.Provider value={services}>
        <TeamSessionContext.Provider value={team}>
          <TeamServersContext.Provider value={teams}>
            <StoreContext.Provider value={store}>
              <App registry={registry} />
            </StoreContext.Provider>
          </TeamServersContext.Provider>
        </TeamSessionContext.Provider>
      </ServicesContext.Provider>
    </StrictMode>,
  );
  try {
    await startController(store, services);
  } catch (error) {
    store.update({ banner: toOcmError(error).toJSON() });
  }
  openDefaultTabs(store);
  store.update({ ready: true });
  performance.mark('ocm:ready');
  appEvents.emit('ready', { instances: store.getState().instances.length });
}

void start();
