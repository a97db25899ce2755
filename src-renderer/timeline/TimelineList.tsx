/**
 * The virtualized change list: only the visible rows exist in the DOM and only their pages are
 * fetched, so a million rows scroll like a hundred. React renders the frame (scroller, header, body);
 * the rows themselves are drawn by {@link RowView} inside the scroll event, so the frame that paints a
 * scroll position paints its rows too, with no component reconciled per frame. Keyboard: up/down/page/
 * home/end move, Enter opens the details, Space selects.
 */
import { memo, useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { type ChangeOrigin, type ChangeRow, type InstanceConfig } from '../../src-main/common/model';
import { useTranslator, type MessageKey } from '../i18n';
import { EVENT_ICON } from '../ui/event-style';
import { ORIGIN_ICON } from '../ui/origin-badge';
import { appEvents, markOnce } from '../workbench/app-events';
import { useInstanceNames } from '../workbench/instance-names';
import type { RowSource } from './row-source';
import { columnWidths, ROW_HEIGHT, RowView, slotsFor, visibleRange, type RowContext } from './row-view';

export { ROW_HEIGHT } from './row-view';

/** Rows fetched ahead of the visible ones when scrolling slowly. */
const MIN_LOOKAHEAD = 150;
/** Rows fetched behind the visible ones (against the scroll direction). */
const LOOKBEHIND = 50;
/** At most this many rows are fetched ahead. */
const MAX_LOOKAHEAD = 1500;
/** When scrolling fast, fetch ahead as many rows as this many frames of scrolling move. */
const LOOKAHEAD_FRAMES = 8;
/** Names of the column-width custom properties, in column order (header and rows read them). */
const COLUMN_PROPERTIES = ['--col-instance', '--col-time', '--col-event', '--col-model', '--col-record', '--col-extra'];

/** The grid of rows of one source. */
export const TimelineList = memo(function TimelineList({
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
  /** Bumped when the source reports new rows, to redraw. */
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
  const body = useRef<HTMLDivElement>(null);
  const view = useRef<RowView | null>(null);
  const [focused, setFocused] = useState(0);
  const total = source.total ?? 0;

  // Removed instances' kept rows are named too (marked removed); `instances` still redraws on a rename.
  const instanceName = useInstanceNames();
  void instances;
  const labels = useMemo(
    () => ({
      loading: t('timeline.loadingRow'),
      removed: t('timeline.removed'),
      removedByUser: t('timeline.removedByUser'),
      events: Object.fromEntries(Object.keys(EVENT_ICON).map((event) => [event, t(`event.${event}` as MessageKey)])) as Record<string, string>,
      origins: Object.fromEntries(
        (Object.keys(ORIGIN_ICON) as ChangeOrigin[]).map((origin) => [origin, { name: t(`origin.${origin}`), hint: t(`origin.${origin}.hint`) }]),
      ) as Record<ChangeOrigin, { name: string; hint: string }>,
    }),
    [t],
  );
  // Everything a row shows besides its data; a new object only when one of its parts changed. The UTC
  // tooltip is the catalogue's message cut around its placeholder once, not formatted per row and frame.
  const context = useMemo<RowContext>(() => {
    const [before, after = ''] = t('common.utcTime', { time: '\u0000' }).split('\u0000');
    return {
    tabId,
      instanceName,
      selected,
      activeKey,
      focused,
      labels,
      time: translator.shortTime,
      utcTitle: (iso) => before + iso.replace('T', ' ').replace('Z', '') + after,
      id: translator.id,
      model: translator.model,
    };
  }, [tabId, instanceName, selected, activeKey, focused, labels, translator, t]);

  // What the scroll handler needs, always current without re-subscribing.
  const latest = useRef({ source, context, filterKey, onOpen, onToggleSelect, onScrollTop });
  latest.current = { source, context, filterKey, onOpen, onToggleSelect, onScrollTop };
  const drawState = useRef({ first: -1, reported: '', slots: 0 });

  /** Draws the rows for the current scroll position and asks the source for the rows around them. */
  const draw = useCallback(() => {
    const element = scroller.current;
    const rows = view.current;
    if (!element || !rows) return;
    const { source: current, context: rowContext, filterKey: key } = latest.current;
    const count = current.total ?? 0;
    const range = visibleRange(element.scrollTop, element.clientHeight, count);
    const state = drawState.current;
    state.slots = Math.max(state.slots, slotsFor(element.clientHeight));
    const loaded = rows.render(range, (index) => current.row(index), rowContext, state.slots);
    if (range.last < range.first) return;

    // The rows on screen first; once they are in, the rows ahead in the scroll direction, further the
    // faster it scrolls, so rows are there before they scroll in. Margins wait for the rows on screen
    // because a margin outside every loaded segment starts a far-jump lookup of its own, which would
    // compete with the one for the screen. A far jump is no direction: it only gets the usual margins.
    const moved = state.first < 0 ? 0 : range.first - state.first;
    state.first = range.first;
    current.ensure(range.first, range.last);
    if (loaded === range.last - range.first + 1) {
      const speed = Math.abs(moved) > MAX_LOOKAHEAD ? 0 : Math.abs(moved);
      const ahead = Math.min(MAX_LOOKAHEAD, Math.max(MIN_LOOKAHEAD, speed * LOOKAHEAD_FRAMES));
      if (moved < 0 && speed > 0) current.ensure(Math.max(0, range.first - ahead), range.last + LOOKBEHIND);
      else current.ensure(Math.max(0, range.first - LOOKBEHIND), range.last + ahead);
    }

    // Tell tests and benchmarks when rows with data are on screen (once per change of what is shown).
    if (loaded > 0) {
      const report = `${key}\u0000${count}\u0000${range.first}\u0000${loaded}`;
      if (report !== state.reported) {
        state.reported = report;
        markOnce('ocm:first-rows');
        appEvents.emit('rows-rendered', { tabId: rowContext.tabId, rows: loaded, total: count, filterKey: key });
      }
    }
  }, []);

  // The row elements live as long as the body; widths follow the scroller's width.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element || !body.current) return;
    view.current = new RowView(body.current);
    const applyWidths = () => {
      const widths = columnWidths(element.clientWidth);
      widths.forEach((width, column) => element.style.setProperty(COLUMN_PROPERTIES[column], `${width}px`));
      draw();
    };
    applyWidths();
    const observer = new ResizeObserver(applyWidths);
    observer.observe(element);
    const onScroll = () => {
      draw();
      latest.current.onScrollTop(element.scrollTop < ROW_HEIGHT);
    };
    element.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      observer.disconnect();
      element.removeEventListener('scroll', onScroll);
      // React may run this effect again on the same body (it did, keeping the DOM): the next view must
      // not find this one's rows there, or both sets would show, the old ones stale.
      view.current?.dispose();
      view.current = null;
    };
  }, [draw]);

  // Back to the newest rows when the parent asks (`scrollToTop`) and for a new filter: a position in the
  // previous result means nothing in this one (rows refetched for the same filter keep their place).
  useLayoutEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
    setFocused(0);
  }, [filterKey, scrollToTop]);

  // Redraw when the rows, the filter or what a row shows changed.
  useLayoutEffect(draw, [draw, source, version, total, filterKey, context]);

  /** Moves the focus to `index` and scrolls it into view (below the sticky header). */
  const move = (index: number) => {
    const element = scroller.current;
    const next = Math.max(0, Math.min(total - 1, index));
    setFocused(next);
    if (!element) return;
    const top = next * ROW_HEIGHT;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + 2 * ROW_HEIGHT > element.scrollTop + element.clientHeight) element.scrollTop = top + 2 * ROW_HEIGHT - element.clientHeight;
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
      <div
        ref={body}
        className="timeline-body"
        style={{ blockSize: total * ROW_HEIGHT }}
        onClick={(event) => {
          // One listener for every row: the row under the click says which index it shows.
          const element = (event.target as HTMLElement).closest<HTMLElement>('.timeline-row');
          if (!element?.dataset.index) return;
          const index = Number(element.dataset.index);
          const row = latest.current.source.row(index);
          if (!row) return;
          setFocused(index);
          if (event.ctrlKey || event.metaKey || event.shiftKey) latest.current.onToggleSelect(row, event.shiftKey);
          else latest.current.onOpen(row);
        }}
      />
    </div>
  );
});
