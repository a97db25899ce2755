/** The command palette (every registered command, with its keybinding) and quick open (instances, saved filters). */
import { Command } from 'cmdk';
import { useEffect, useRef } from 'react';
import { formatKeybinding, type CommandRegistry } from '../commands/registry';
import { useTranslator } from '../i18n';
import { Icon } from '../ui/primitives';
import { openTimeline } from '../workbench/controller';
import { useStore, useWorkbench } from '../workbench/store';

function Overlay({ label, onClose, children }: { label: string; onClose(): void; children: React.ReactNode }) {
  const previous = useRef<Element | null>(document.activeElement);
  useEffect(() => () => (previous.current as HTMLElement | null)?.focus?.(), []);
  return (
    <div className="quick-input-backdrop" onMouseDown={(event) => event.target === event.currentTarget && onClose()}>
      <div
        className="quick-input"
        role="dialog"
        aria-modal="true"
        aria-label={label}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.stopPropagation();
            onClose();
          }
        }}
      >
        {children}
      </div>
    </div>
  );
}

/** Ctrl/Cmd+Shift+P. */
export function CommandPalette({ registry }: { registry: CommandRegistry }) {
  const store = useStore();
  const { t } = useTranslator();
  const close = () => store.update({ overlay: undefined });
  const commands = registry.list().filter((command) => command.id !== 'workbench.palette');
  return (
    <Overlay label={t('palette.label')} onClose={close}>
      <Command label={t('palette.label')} loop data-testid="command-palette">
        <Command.Input autoFocus placeholder={t('palette.placeholder')} aria-label={t('palette.placeholder')} />
        <Command.List>
          <Command.Empty>{t('palette.empty')}</Command.Empty>
          {commands.map((command) => (
            <Command.Item
              key={command.id}
              value={`${t(command.category)}: ${t(command.title)} ${command.id}`}
              data-command={command.id}
              onSelect={() => {
                close();
                void registry.execute(command.id);
              }}
            >
              <span className="palette-category">{t(command.category)}:</span>
              <span className="palette-title">{t(command.title)}</span>
              {command.keybinding && <kbd className="palette-keys">{formatKeybinding(command.keybinding)}</kbd>}
            </Command.Item>
          ))}
        </Command.List>
      </Command>
    </Overlay>
  );
}

/** Ctrl/Cmd+P. */
export function QuickOpen() {
  const store = useStore();
  const { t } = useTranslator();
  const instances = useWorkbench((state) => state.instances);
  const savedFilters = useWorkbench((state) => state.settings.savedFilters);
  const close = () => store.update({ overlay: undefined });
  return (
    <Overlay label={t('quickOpen.label')} onClose={close}>
      <Command label={t('quickOpen.label')} loop data-testid="quick-open">
        <Command.Input autoFocus placeholder={t('quickOpen.placeholder')} aria-label={t('quickOpen.placeholder')} />
        <Command.List>
          <Command.Empty>{t('palette.empty')}</Command.Empty>
          <Command.Group heading={t('quickOpen.instances')}>
            <Command.Item value={t('sidebar.allInstances')} onSelect={() => (close(), openTimeline(store))}>
              <Icon name="layers" /> {t('sidebar.allInstances')}
            </Command.Item>
            {instances.map((instance) => (
              <Command.Item key={instance.id} value={`${instance.name} ${instance.url} ${instance.id}`} onSelect={() => (close(), openTimeline(store, instance.id))}>
                <Icon name="server-environment" /> {instance.name}
                <span className="palette-detail">{instance.url}</span>
              </Command.Item>
            ))}
          </Command.Group>
          {savedFilters.length > 0 && (
            <Command.Group heading={t('quickOpen.filters')}>
              {savedFilters.map((saved) => (
                <Command.Item key={saved.id} value={`${saved.name} ${saved.id}`} onSelect={() => (close(), openTimeline(store, undefined, saved.filter, saved.name))}>
                  <Icon name="filter" /> {saved.name}
                </Command.Item>
              ))}
            </Command.Group>
          )}
        </Command.List>
      </Command>
    </Overlay>
  );
}
