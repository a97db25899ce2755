/**
 * The virtualized change list: only the visible rows exist in the DOM and only their pages are
 * fetched, so a million rows scroll like a hundred. Keyboard: up/down/page/home/end move, Enter opens
 * the details, Space selects.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { type ChangeRow, type InstanceConfig } from '../../src-main/common/model';
import { useTranslator, type MessageKey } from '../i18n';
import { EVENT_ICON } from '../ui/event-style';
import { Icon } from '../ui/primitives';
import { OriginBadge } from '../ui/origin-badge';
import { appEvents, markOnce } from '../workbench/app-events';
import type { RowSource } from './row-source';

/** Row height in pixels (dense, like VS Code's lists). */
export const ROW_HEIGHT = 24;

/** Rows fetched ahead of the visible ones when scrolling slowly. */
const MIN_LOOKAHEAD = 150;
/** Rows fetched behind the visible ones (against the scroll direction). */
const LOOKBEHIND = 50;
/** At most this many rows are fetched ahead. */
const MAX_LOOKAHEAD = 1500;
/** When scrolling fast, fetch ahead as many rows as this many frames of scrolling move. */
const LOOKAHEAD_FRAMES = 8;

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
  scrollToTop = 0,
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
  /** Bumped to bring the newest rows into view (the "N new events" pill). */
  scrollToTop?: number;
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
    // Every extra row is laid out and painted each frame of a fast scroll: keep only a couple.
    overscan: 2,
    // The sticky header sits above the rows inside the same scroller.
    scrollMargin: ROW_HEIGHT,
    scrollPaddingStart: ROW_HEIGHT,
    // Render the new rows inside the scroll event, so the frame that paints the new scroll position
    // paints its rows too (deferred, the frame showed the previous rows and React ran after it).
    useFlushSync: true,
  });
  useEffect(() => {
    if (scrollToTop === 0) return;
    virtualizer.scrollToOffset(0);
    setFocused(0);
  }, [scrollToTop]); // eslint-disable-line react-hooks/exhaustive-deps
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;

  // The rows on screen first; once they are in, the rows ahead in the scroll direction, further the
  // faster it scrolls, so rows are there before they scroll in (a skeleton frame followed by a filled
  // one costs twice the layout work of a filled one). Margins wait for the rows on screen because a
  // margin outside every loaded segment starts a far-jump lookup of its own, which would compete with
  // the one for the screen. A far jump is no direction: it only gets the usual margins.
  const loaded = items.filter((item) => source.row(item.index)).length;
  const previousFirst = useRef(first);
  useEffect(() => {
    if (last < 0) return;
    const moved = first - previousFirst.current;
    previousFirst.current = first;
    source.ensure(first, last);
    if (loaded < last - first + 1) return;
    const speed = Math.abs(moved) > MAX_LOOKAHEAD ? 0 : Math.abs(moved);
    const ahead = Math.min(MAX_LOOKAHEAD, Math.max(MIN_LOOKAHEAD, speed * LOOKAHEAD_FRAMES));
    if (moved < 0 && speed > 0) source.ensure(Math.max(0, first - ahead), last + LOOKBEHIND);
    else source.ensure(Math.max(0, first - LOOKBEHIND), last + ahead);
  }, [source, first, last, version, loaded]);

  // Tell tests and benchmarks when rows with data are on screen.
  useLayoutEffect(() => {
    if (loaded === 0) return;
    markOnce('ocm:first-rows');
    appEvents.emit('rows-rendered', { tabId, rows: loaded, total, filterKey });
  }, [loaded, total, filterKey, tabId, first]);

  const instanceNames = useMemo(() => new Map(instances.map((instance) => [instance.id, instance.name])), [instances]);

  const move = (index: number) => {
    const next = Math.max(0, Math.min(total - 1, index));
    setFocused(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };
  const pageRows = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 480) / ROW_HEIGHT) - 1);

  // Rows call back through a ref, so the callback they hold never changes and memo() can skip them.
  const latest = useRef({ source, onOpen, onToggleSelect });
  latest.current = { source, onOpen, onToggleSelect };
  const onRowClick = useCallback((index: number, event: React.MouseEvent) => {
    const { source: current, onOpen: open, onToggleSelect: toggle } = latest.current;
    const row = current.row(index);
    if (!row) return;
    setFocused(index);
    if (event.ctrlKey || event.metaKey || event.shiftKey) toggle(row, event.shiftKey);
    else open(row);
  }, []);

  // Row elements are recycled: each visible index keeps the slot `index % slots`, and slots are
  // rendered in slot order, so scrolling rewrites the text of existing rows instead of creating,
  // removing or moving DOM nodes (which dominated the frame when scrolling fast).
  const slotCount = useRef(0);
  slotCount.current = Math.max(slotCount.current, Math.ceil(items.length / SLOT_STEP) * SLOT_STEP);
  const slots = slotCount.current;
  const bySlot = items.slice().sort((a, b) => (a.index % slots) - (b.index % slots));
  const labels = useMemo(
    () => ({
      loading: t('timeline.loadingRow'),
      removed: t('timeline.removed'),
      removedByUser: t('timeline.removedByUser'),
      events: Object.fromEntries(Object.keys(EVENT_ICON).map((event) => [event, t(`event.${event}` as MessageKey)])) as Record<string, string>,
    }),
    [t],
  );

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
        {bySlot.map((item) => {
          const row = source.row(item.index);
          return (
            <TimelineRow
              key={item.index % slots}
              row={row}
              index={item.index}
              top={item.start - ROW_HEIGHT}
              tabId={tabId}
              instanceName={row ? (instanceNames.get(row.instanceId) ?? row.instanceId) : ''}
              focused={item.index === focused}
              selected={row ? selected.has(row.key) : false}
              active={row ? row.key === activeKey : false}
              labels={labels}
              onClick={onRowClick}
            />
          );
        })}
      </div>
    </div>
  );
}

/** Row slots grow in steps of this many, so a slightly taller viewport does not re-key every row. */
const SLOT_STEP = 8;

/** Translated strings every row shows, resolved once per language instead of once per row. */
interface RowLabels {
  loading: string;
  removed: string;
  removedByUser: string;
  events: Record<string, string>;
}

/**
 * One row, or its skeleton while its page loads. Memoized on plain values so scrolling re-renders only
 * the slots whose row changed; the element itself is reused from row to row.
 */
const TimelineRow = memo(function TimelineRow({
  row,
  index,
  top,
  tabId,
  instanceName,
  focused,
  selected,
  active,
  labels,
  onClick,
}: {
  row: ChangeRow | undefined;
  index: number;
  /** Offset from the top of the body (the sticky header sits above it in the same scroller). */
  top: number;
  tabId: string;
  instanceName: string;
  focused: boolean;
  selected: boolean;
  active: boolean;
  labels: RowLabels;
  onClick(index: number, event: React.MouseEvent): void;
}) {
  const translator = useTranslator();
  const style = { transform: `translateY(${top}px)` };
  if (!row) {
    return (
      <div className="timeline-row loading" role="row" aria-rowindex={index + 2} id={`${tabId}-row-${index}`} style={style}>
        <span className="skeleton-line" role="gridcell" aria-label={labels.loading} />
      </div>
    );
  }
  let className = `timeline-row event-${row.event}`;
  if (focused) className += ' focused';
  if (selected) className += ' selected';
  if (active) className += ' active';
  if (row.removedAt) className += ' removed';
  return (
    <div
      id={`${tabId}-row-${index}`}
      className={className}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-key={row.key}
      style={style}
      onClick={(event) => onClick(index, event)}
    >
      <span role="gridcell" className="cell-instance">{instanceName}</span>
      <span role="gridcell" className="cell-time" title={translator.t('common.utcTime', { time: row.timestamp.replace('T', ' ').replace('Z', '') })}>
        {translator.shortTime(row.timestamp)}
      </span>
      <span role="gridcell" className="cell-event">
        <Icon name={EVENT_ICON[row.event]} />
        {labels.events[row.event]}
      </span>
      <span role="gridcell" className="cell-model" title={row.model}>
        {translator.model(row.model)}{' '}
        <span className="technical">{row.model}</span>
      </span>
      <span role="gridcell" className="cell-record">
        {translator.id(row.recordId)}
        {row.removedAt && (
          <Icon
            name={row.removedBy === 'user' ? 'trash' : 'circle-slash'}
            className="removed-marker"
            label={row.removedBy === 'user' ? labels.removedByUser : labels.removed}
          />
        )}
      </span>
      <span role="gridcell" className="cell-extra">
        <OriginBadge origin={row.origin} />
        {row.userName && <span className="user"><Icon name="account" />{row.userName}</span>}
        {row.changedFields && row.changedFields.length > 0 && <span className="fields">{row.changedFields.join(', ')}</span>}
      </span>
    </div>
  );
});
