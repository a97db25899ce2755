/** The workbench layout: activity bar, side bar, editor area, bottom panel, status bar, overlays. */
import { Allotment } from 'allotment';
import 'allotment/dist/style.css';
import { useEffect, useMemo } from 'react';
import type { CommandRegistry } from '../commands/registry';
import { createTranslator, TranslatorContext } from '../i18n';
import { CommandPalette, QuickOpen } from '../palette/CommandPalette';
import { ErrorBanner } from '../ui/primitives';
import { ActivityBar } from './ActivityBar';
import { appEvents } from './app-events';
import { EditorArea } from './EditorArea';
import { Panel } from './Panel';
import { SideBar } from './SideBar';
import { StatusBar } from './StatusBar';
import { useStore, useWorkbench } from './store';
import { useResolvedTheme } from './theme';

/** The whole window. */
export function App({ registry }: { registry: CommandRegistry }) {
  const store = useStore();
  const ready = useWorkbench((state) => state.ready);
  const language = useWorkbench((state) => state.settings.language);
  const themeSetting = useWorkbench((state) => state.settings.theme);
  const sidebarVisible = useWorkbench((state) => state.sidebarVisible);
  const panelVisible = useWorkbench((state) => state.panelVisible);
  const overlay = useWorkbench((state) => state.overlay);
  const banner = useWorkbench((state) => state.banner);
  const translator = useMemo(() => createTranslator(language), [language]);
  const theme = useResolvedTheme(themeSetting);

  useEffect(() => {
    const root = document.documentElement;
    root.lang = language;
    root.dir = translator.direction;
    document.title = translator.t('app.title');
    appEvents.emit('language-changed', { language });
  }, [language, translator]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (registry.dispatch(event)) {
        event.preventDefault();
        event.stopPropagation();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [registry]);

  const direction = translator.direction;
  const sidePane = (
    <Allotment.Pane key="side" preferredSize={280} minSize={180} maxSize={520} visible={sidebarVisible} snap>
      {/* Hidden, not only zero-wide: a collapsed side bar must leave the tab order and the accessibility tree. */}
      <div className="pane-content" dir={direction} hidden={!sidebarVisible}>
        <SideBar />
      </div>
    </Allotment.Pane>
  );
  const editorPane = (
    <Allotment.Pane key="editor" minSize={360}>
      <div className="pane-content" dir={direction}>
        <Allotment vertical proportionalLayout={false}>
          <Allotment.Pane minSize={200}>
            <EditorArea theme={theme} />
          </Allotment.Pane>
          <Allotment.Pane preferredSize={160} minSize={80} visible={panelVisible} snap>
            <Panel />
          </Allotment.Pane>
        </Allotment>
      </div>
    </Allotment.Pane>
  );

  return (
    <TranslatorContext.Provider value={translator}>
      <div className="workbench" data-ready={ready} data-language={language} data-testid="workbench">
        {banner && <ErrorBanner error={banner} onDismiss={() => store.update({ banner: undefined })} />}
        <div className="workbench-body">
          <ActivityBar />
          {/* Allotment lays panes out left to right only: in RTL the panes are given in reverse order
              inside an LTR split, and each pane's content is RTL again, so the side bar sits at the inline start. */}
          <div className="workbench-split" dir="ltr">
            <Allotment proportionalLayout={false} key={translator.direction}>
              {translator.direction === 'rtl' ? [editorPane, sidePane] : [sidePane, editorPane]}
            </Allotment>
          </div>
        </div>
        <StatusBar />
        {overlay === 'palette' && <CommandPalette registry={registry} />}
        {overlay === 'quick-open' && <QuickOpen />}
      </div>
    </TranslatorContext.Provider>
  );
}
