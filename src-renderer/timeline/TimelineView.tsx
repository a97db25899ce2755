/**
 * A timeline tab: filter bar, histogram, virtualized list, live tail and the details drawer. The
 * filter lives in the tab, so each tab keeps its own.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ChangeFilter, ChangeRow, Facets, Histogram as HistogramData } from '../../src-main/common/model';
import { useTranslator } from '../i18n';
import { useServices } from '../services/services';
import { Guarded } from '../team/access';
import { EmptyState, ErrorBanner, Icon, Skeleton } from '../ui/primitives';
import { hasChangeLog } from '../instances/watching';
import { useInstanceGone } from '../workbench/instance-names';
import { useStore, useWorkbench, type Tab, type TimePreset } from '../workbench/store';
import { DetailsDrawer } from './DetailsDrawer';
import { FilterBar } from './FilterBar';
import { Histogram } from './Histogram';
import { RowSource } from './row-source';
import { TimelineList } from './TimelineList';

type TimelineTab = Extract<Tab, { kind: 'timeline' }>;

/** One timeline tab. */
export function TimelineView({ tab, theme }: { tab: TimelineTab; theme: string }) {
  const services = useServices();
  const store = useStore();
  const { t, number } = useTranslator();
  const instances = useWorkbench((state) => state.instances);
  const statuses = useWorkbench((state) => state.statuses);
  const hostKind = useWorkbench((state) => state.host?.kind);
  const filterKey = useMemo(() => JSON.stringify(tab.filter), [tab.filter]);

  const [source, setSource] = useState<RowSource>();
  const [version, setVersion] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>();
  const [facets, setFacets] = useState<Facets>();
  const [histogram, setHistogram] = useState<{ filterKey: string; data: HistogramData }>();
  const [newCount, setNewCount] = useState(0);
  const [refresh, setRefresh] = useState(0);
  /** Bumped when rows were removed or refreshed: facets, histogram and the record's history are asked again. */
  const [dataVersion, setDataVersion] = useState(0);
  const [liveTail, setLiveTail] = useState(true);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [details, setDetails] = useState<ChangeRow>();
  const atTop = useRef(true);
  const [scrollToTop, setScrollToTop] = useState(0);
  const sourceRef = useRef<RowSource | undefined>(undefined);
  sourceRef.current = source;

  // (Re)load rows for the filter; the previous rows stay on screen until the new ones arrive.
  useEffect(() => {
    let live = true;
    const next = new RowSource(services.changes, tab.filter);
    setLoading(true);
    setError(undefined);
    const subscriptions = [next.onDidChange(() => setVersion((value) => value + 1)), next.onDidFail((failure) => setError(failure))];
    next.load().then(
      () => {
        if (!live) return;
        const previous = sourceRef.current;
        setSource(next);
        previous?.dispose();
        setLoading(false);
        // The user is looking at the newest rows: nothing is "new" any more.
        if (store.getState().activeTabId === tab.id) store.update({ newEvents: 0 });
        setNewCount(0);
      },
      (failure) => {
        if (!live) return;
        setError(failure);
        setLoading(false);
      },
    );
    return () => {
      live = false;
      for (const subscription of subscriptions) subscription.dispose();
      // Keep the old source alive for the frame that still shows it; it is dropped with the next one.
    };
  }, [services, filterKey, refresh]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => () => sourceRef.current?.dispose(), []);


  // Every change to the mirror reaches the tab. Removed (or refreshed) rows: the loaded rows are fetched
  // again in place, wherever the list is scrolled, with facets, histogram and the open record's history.
  // New rows: live tail at the top reloads; otherwise they are counted for the "N new events" pill.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let added = false;
    let removed = false;
    const subscription = services.changes.onDidChangeData((notice) => {
      if (tab.filter.instanceIds?.length && !tab.filter.instanceIds.includes(notice.instanceId)) return;
      added ||= notice.added > 0;
      removed ||= notice.removed > 0;
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        const arrived = added;
        const left = removed;
        added = removed = false;
        const current = sourceRef.current;
        if (arrived && liveTail && atTop.current && !tab.filter.to) {
          setRefresh((value) => value + 1);
          return;
        }
        if (left && current) {
          void current.refresh().then(() => setDataVersion((value) => value + 1), () => undefined);
        }
        if (arrived) void services.changes.count(tab.filter).then((count) => setNewCount(Math.max(0, count - (current?.total ?? count))));
      }, 400);
    });
    return () => {
      subscription.dispose();
      if (timer) clearTimeout(timer);
    };
  }, [services, filterKey, liveTail]); // eslint-disable-line react-hooks/exhaustive-deps

  // An instance removed without its history took its rows out of the mirror: show the mirror as it is.
  useInstanceGone(() => setRefresh((value) => value + 1));

  const setFilter = useCallback(
    (filter: ChangeFilter, preset: TimePreset) => {
      performance.mark('ocm:filter-changed');
      store.updateTab(tab.id, { filter, preset });
      setSelected(new Set());
    },
    [store, tab.id],
  );

  const onRange = useCallback((from: string, to: string) => setFilter({ ...tab.filter, from, to }, 'custom'), [setFilter, tab.filter]);

  const toggleSelect = useCallback((row: ChangeRow) => {
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(row.key)) next.delete(row.key);
      else next.add(row.key);
      return next;
    });
  }, []);

  const selectedInstance = useMemo(() => {
    if (selected.size === 0 || !source) return undefined;
    const ids = new Set<string>();
    for (let index = 0; index < (source.total ?? 0) && ids.size < 2; index++) {
      const row = source.row(index);
      if (!row) continue;
      if (selected.has(row.key)) ids.add(row.instanceId);
    }
    return ids.size === 1 ? [...ids][0] : undefined;
  }, [selected, source, version]);

  const total = source?.total;
  // 'ready' only once the rows on screen answer the tab's current filter.
  const state = error !== undefined && !source ? 'error' : loading || source?.key !== filterKey ? 'loading' : total === 0 ? 'empty' : 'ready';

  // Facets and histogram come after the rows: they are context, the rows are the content. Asked for once
  // the rows of the filter are in, so their queries never compete with the rows' for the server or the CPU.
  const rowsIn = state === 'ready' || state === 'empty';
  useEffect(() => {
    if (!rowsIn) return;
    let live = true;
    services.changes.facets(tab.filter).then((value) => live && setFacets(value), () => undefined);
    services.changes.histogram(tab.filter, { maxBuckets: 120 }).then((value) => live && setHistogram({ filterKey, data: value }), () => undefined);
    return () => {
      live = false;
    };
  }, [services, filterKey, refresh, dataVersion, rowsIn]); // eslint-disable-line react-hooks/exhaustive-deps
  const singleInstance = tab.filter.instanceIds?.length === 1 ? tab.filter.instanceIds[0] : undefined;
  const hasAnyData = instances.length > 0 && Object.values(statuses).some((status) => status.changeCount > 0);

  return (
    <div className="timeline-view" data-state={state} data-total={total ?? ''} data-filter={source?.key ?? ''} data-testid="timeline-view">
      <FilterBar
        filter={tab.filter}
        preset={tab.preset}
        facets={facets}
        instances={instances}
        lockedInstance={!!tab.instanceId}
        onChange={setFilter}
      />
      <Histogram
        data={histogram?.data}
        filterKey={histogram?.filterKey}
        tabId={tab.id}
        theme={theme}
        onRange={onRange}
      />
      <div className="timeline-toolbar" role="toolbar" aria-label={t('timeline.label')}>
        <span className="timeline-count" data-testid="timeline-count" aria-live="polite">
          {total === undefined ? t('common.loading') : t('timeline.rows', { count: total })}
        </span>
        {loading && source && <Icon name="loading" className="codicon-modifier-spin" label={t('common.loading')} />}
        {selected.size > 0 && (
          <>
            <span className="timeline-selection">{t('timeline.selectRows', { count: number(selected.size) })}</span>
            {hasChangeLog(instances.find((instance) => instance.id === selectedInstance)) && (
              <Guarded instance={instances.find((instance) => instance.id === selectedInstance)} action="delete">
                <button
                  type="button"
                  className="button secondary danger"
                  disabled={!selectedInstance}
                  onClick={() => selectedInstance && store.update({ dialog: { kind: 'delete', instanceId: selectedInstance, selection: { keys: [...selected] } } })}
                >
                  <Icon name="trash" /> {t('timeline.deleteSelected')}
                </button>
              </Guarded>
            )}
          </>
        )}
        <span className="spacer" />
        <label className="toggle">
          <input type="checkbox" checked={liveTail} onChange={(event) => setLiveTail(event.target.checked)} />
          {t('timeline.liveTail')}
        </label>
        <button type="button" className="icon-button" title={t('timeline.saveFilter')} aria-label={t('timeline.saveFilter')} onClick={() => store.update({ dialog: { kind: 'save-filter', filter: tab.filter } })}>
          <Icon name="save" />
        </button>
        <button type="button" className="icon-button" title={t('timeline.export')} aria-label={t('timeline.export')} onClick={() => store.update({ dialog: { kind: 'export', filter: tab.filter } })}>
          <Icon name="export" />
        </button>
        {singleInstance && hasChangeLog(instances.find((instance) => instance.id === singleInstance)) && (
          <Guarded instance={instances.find((instance) => instance.id === singleInstance)} action="delete">
            <button
              type="button"
              className="icon-button danger"
              title={t('timeline.deleteMatching')}
              aria-label={t('timeline.deleteMatching')}
              data-testid="delete-matching"
              onClick={() => store.update({ dialog: { kind: 'delete', instanceId: singleInstance, selection: { filter: tab.filter } } })}
            >
              <Icon name="trash" />
            </button>
          </Guarded>
        )}
      </div>
      {error !== undefined && <ErrorBanner error={error} onRetry={() => setRefresh((value) => value + 1)} onDismiss={() => setError(undefined)} />}
      <div className="timeline-main">
        <div className="timeline-list-area">
          {newCount > 0 && (
            <button
              type="button"
              className="new-events-pill"
              data-testid="new-events-pill"
              onClick={() => {
                setRefresh((value) => value + 1);
                setScrollToTop((value) => value + 1);
                atTop.current = true;
              }}
            >
              <Icon name="arrow-up" /> {t('timeline.newPill', { count: newCount })}
            </button>
          )}
          {state === 'loading' && !source && <Skeleton lines={12} />}
          {state === 'empty' &&
            (hasAnyData || Object.keys(tab.filter).some((key) => key !== 'instanceIds') ? (
              <EmptyState icon="filter" title={t('timeline.empty')} hint={t('timeline.emptyHint')} />
            ) : (
              <EmptyState icon="history" title={t('timeline.noData')} hint={t('timeline.noDataHint')} />
            ))}
          {source && total !== 0 && (
            <TimelineList
              source={source}
              version={version}
              tabId={tab.id}
              filterKey={source.key}
              instances={instances}
              selected={selected}
              activeKey={details?.key}
              onOpen={setDetails}
              onToggleSelect={toggleSelect}
              onScrollTop={(value) => {
                atTop.current = value;
              }}
              scrollToTop={scrollToTop}
            />
          )}
        </div>
        {details && (
          <DetailsDrawer
            row={details}
            instance={instances.find((instance) => instance.id === details.instanceId)}
            status={statuses[details.instanceId]}
            hostKind={hostKind}
            dataVersion={dataVersion}
            onClose={() => setDetails(undefined)}
            onSelect={setDetails}
            onDelete={(row) => store.update({ dialog: { kind: 'delete', instanceId: row.instanceId, selection: { keys: [row.key] } } })}
            onFilter={(patch) => setFilter({ ...tab.filter, ...patch }, tab.preset)}
          />
        )}
      </div>
    </div>
  );
}
