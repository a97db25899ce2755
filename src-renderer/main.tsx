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
import { CommandRegistry } from './commands/registry';
import { createTranslator } from './i18n';
import { connect } from './services/transport';
import { createServiceProxies, ServicesContext } from './services/services';
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

async function start(): Promise<void> {
  let connection;
  try {
    connection = await connect();
  } catch (error) {
    const missing = toOcmError(error).message === 'missing-token';
    renderFailure(missing ? 'app.missingToken' : 'app.connectionLost', missing ? 'app.missingTokenHint' : 'app.connectionLostHint');
    return;
  }
  const { client, services } = createServiceProxies(connection.port);
  const store = new WorkbenchStore();
  const registry = new CommandRegistry();
  registerCommands(registry, store, services);
  // The desktop menu's items run the same commands as the palette and the keyboard.
  window.ocm?.onMenuCommand?.((command) => void registry.execute(command));
  connection.onClose(() => {
    client.failPending(toOcmError(new Error('closed')));
    renderFailure('app.connectionLost', 'app.connectionLostHint');
  });
  root.render(
    <StrictMode>
      <ServicesContext.Provider value={services}>
        <StoreContext.Provider value={store}>
          <App registry={registry} />
        </StoreContext.Provider>
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
