/**
 * The virtualized change list: only the visible rows exist in the DOM and only their pages are
 * fetched, so a million rows scroll like a hundred. Keyboard: up/down/page/home/end move, Enter opens
 * the details, Space selects.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { type ChangeRow, type InstanceConfig } from '../../src-main/common/model';
import { useTranslator, type MessageKey } from '../i18n';
import { EVENT_ICON } from '../ui/event-style';
import { Icon } from '../ui/primitives';
import { appEvents, markOnce } from '../workbench/app-events';
import type { RowSource } from './row-source';

/** Row height in pixels (dense, like VS Code's lists). */
export const ROW_HEIGHT = 24;

/** The grid of rows of one source. */
export function TimelineList({
  source,
  version,
  tabId,
  filterKey,
  instances,
  selected,
  activeKey,
  onOpen,
  onToggleSelect,
  onScrollTop,
}: {
  source: RowSource;
  /** Bumped when the source reports new rows, to re-render. */
  version: number;
  tabId: string;
  filterKey: string;
  instances: InstanceConfig[];
  selected: ReadonlySet<string>;
  activeKey?: string;
  onOpen(row: ChangeRow): void;
  onToggleSelect(row: ChangeRow, range: boolean): void;
  onScrollTop(atTop: boolean): void;
}) {
  const translator = useTranslator();
  const { t } = translator;
  const scroller = useRef<HTMLDivElement>(null);
  const [focused, setFocused] = useState(0);
  const total = source.total ?? 0;
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    // The sticky header sits above the rows inside the same scroller.
    scrollMargin: ROW_HEIGHT,
    scrollPaddingStart: ROW_HEIGHT,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;

  useEffect(() => {
    if (last >= 0) source.ensure(first, last);
  }, [source, first, last, version]);

  // Tell tests and benchmarks when rows with data are on screen.
  const loaded = items.filter((item) => source.row(item.index)).length;
  useLayoutEffect(() => {
    if (loaded === 0) return;
    markOnce('ocm:first-rows');
    appEvents.emit('rows-rendered', { tabId, rows: loaded, total, filterKey });
  }, [loaded, total, filterKey, tabId, first]);

  const instanceName = (id: string) => instances.find((instance) => instance.id === id)?.name ?? id;

  const move = (index: number) => {
    const next = Math.max(0, Math.min(total - 1, index));
    setFocused(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };
  const pageRows = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 480) / ROW_HEIGHT) - 1);

  return (
    <div
      ref={scroller}
      className="timeline-scroller"
      role="grid"
      aria-label={t('timeline.label')}
      aria-rowcount={total + 1}
      aria-colcount={6}
      aria-activedescendant={total ? `${tabId}-row-${focused}` : undefined}
      tabIndex={0}
      data-testid="timeline-list"
      onScroll={(event) => onScrollTop(event.currentTarget.scrollTop < ROW_HEIGHT)}
      onKeyDown={(event) => {
        const keys: Record<string, () => void> = {
          ArrowDown: () => move(focused + 1),
          ArrowUp: () => move(focused - 1),
          PageDown: () => move(focused + pageRows),
          PageUp: () => move(focused - pageRows),
          Home: () => move(0),
          End: () => move(total - 1),
          Enter: () => {
            const row = source.row(focused);
            if (row) onOpen(row);
          },
          ' ': () => {
            const row = source.row(focused);
            if (row) onToggleSelect(row, event.shiftKey);
          },
        };
        const action = keys[event.key];
        if (action) {
          event.preventDefault();
          action();
        }
      }}
    >
      <div className="timeline-header" role="row" aria-rowindex={1}>
        <span role="columnheader" className="cell-instance">{t('timeline.instance')}</span>
        <span role="columnheader" className="cell-time">{t('timeline.time')}</span>
        <span role="columnheader" className="cell-event">{t('timeline.event')}</span>
        <span role="columnheader" className="cell-model">{t('timeline.model')}</span>
        <span role="columnheader" className="cell-record">{t('timeline.record')}</span>
        <span role="columnheader" className="cell-extra">{t('timeline.user')} · {t('timeline.fields')}</span>
      </div>
      <div className="timeline-body" style={{ blockSize: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const row = source.row(item.index);
          const style = { transform: `translateY(${item.start - ROW_HEIGHT}px)`, blockSize: ROW_HEIGHT };
          if (!row) {
            return (
              <div key={item.key} className="timeline-row loading" role="row" aria-rowindex={item.index + 2} id={`${tabId}-row-${item.index}`} style={style}>
                <span className="skeleton-line" role="gridcell" aria-label={t('timeline.loadingRow')} />
              </div>
            );
          }
          const classes = ['timeline-row', `event-${row.event}`];
          if (item.index === focused) classes.push('focused');
          if (selected.has(row.key)) classes.push('selected');
          if (row.key === activeKey) classes.push('active');
          if (row.removedAt) classes.push('removed');
          return (
            <div
              key={item.key}
              id={`${tabId}-row-${item.index}`}
              className={classes.join(' ')}
              role="row"
              aria-rowindex={item.index + 2}
              aria-selected={selected.has(row.key)}
              data-key={row.key}
              style={style}
              onClick={(event) => {
                setFocused(item.index);
                if (event.ctrlKey || event.metaKey || event.shiftKey) onToggleSelect(row, event.shiftKey);
                else onOpen(row);
              }}
            >
              <span role="gridcell" className="cell-instance">{instanceName(row.instanceId)}</span>
              <span role="gridcell" className="cell-time" title={`${row.timestamp.replace('T', ' ').replace('Z', '')} UTC`}>
                {translator.shortTime(row.timestamp)}
              </span>
              <span role="gridcell" className="cell-event">
                <Icon name={EVENT_ICON[row.event]} />
                {t(`event.${row.event}` as MessageKey)}
              </span>
              <span role="gridcell" className="cell-model" title={row.model}>
                {translator.model(row.model)}{' '}
                <span className="technical">{row.model}</span>
              </span>
              <span role="gridcell" className="cell-record">
                {translator.number(row.recordId)}
                {row.removedAt && (
                  <Icon
                    name={row.removedBy === 'user' ? 'trash' : 'circle-slash'}
                    className="removed-marker"
                    label={t(row.removedBy === 'user' ? 'timeline.removedByUser' : 'timeline.removed')}
                  />
                )}
              </span>
              <span role="gridcell" className="cell-extra">
                {row.userName && <span className="user"><Icon name="account" />{row.userName}</span>}
                {row.changedFields && row.changedFields.length > 0 && <span className="fields">{row.changedFields.join(', ')}</span>}
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
