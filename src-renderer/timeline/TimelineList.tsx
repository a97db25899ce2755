/**
 * The virtualized change list: only the visible rows exist in the DOM and only their pages are
 * fetched, so a million rows scroll like a hundred. Keyboard: up/down/page/home/end move, Enter opens
 * the details, Space selects.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
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
    overscan: 6,
    // The sticky header sits above the rows inside the same scroller.
    scrollMargin: ROW_HEIGHT,
    scrollPaddingStart: ROW_HEIGHT,
    // Let React batch scroll updates instead of flushing synchronously on every scroll event.
    useFlushSync: false,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;

  useEffect(() => {
    // Fetch a little ahead in the scroll direction so rows are there before they scroll in.
    if (last >= 0) source.ensure(Math.max(0, first - 50), last + 150);
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
          return (
            <TimelineRow
              key={item.key}
              row={row}
              index={item.index}
              start={item.start}
              tabId={tabId}
              instanceName={instanceName(row.instanceId)}
              focused={item.index === focused}
              selected={selected.has(row.key)}
              active={row.key === activeKey}
              onClick={(event) => {
                setFocused(item.index);
                if (event.ctrlKey || event.metaKey || event.shiftKey) onToggleSelect(row, event.shiftKey);
                else onOpen(row);
              }}
            />
          );
        })}
      </div>
    </div>
  );
}

/** One row; memoized so scrolling re-renders only rows whose content or position changed. */
const TimelineRow = memo(function TimelineRow({
  row,
  index,
  start,
  tabId,
  instanceName,
  focused,
  selected,
  active,
  onClick,
}: {
  row: ChangeRow;
  index: number;
  start: number;
  tabId: string;
  instanceName: string;
  focused: boolean;
  selected: boolean;
  active: boolean;
  onClick(event: React.MouseEvent): void;
}) {
  const translator = useTranslator();
  const { t } = translator;
  const classes = ['timeline-row', `event-${row.event}`];
  if (focused) classes.push('focused');
  if (selected) classes.push('selected');
  if (active) classes.push('active');
  if (row.removedAt) classes.push('removed');
  return (
    <div
      id={`${tabId}-row-${index}`}
      className={classes.join(' ')}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-key={row.key}
      style={{ transform: `translateY(${start - ROW_HEIGHT}px)`, blockSize: ROW_HEIGHT }}
      onClick={onClick}
    >
      <span role="gridcell" className="cell-instance">{instanceName}</span>
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
}, (previous, next) =>
  previous.row === next.row && previous.start === next.start && previous.focused === next.focused && previous.selected === next.selected && previous.active === next.active && previous.instanceName === next.instanceName,
);
