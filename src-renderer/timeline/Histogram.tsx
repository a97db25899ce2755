/**
 * The change histogram above the timeline (uPlot): bars stacked per event; dragging across it selects
 * a time range, which becomes the tab's filter. Geometry and labels are in histogram-chart.ts.
 */
import { memo, useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Histogram as HistogramData } from '../../src-main/common/model';
import { useTranslator } from '../i18n';
import { appEvents } from '../workbench/app-events';
import { axisLabels, chartColumns, selectedRange } from './histogram-chart';

const HEIGHT = 84;
/** Widest bar in CSS pixels: a chart of one or two buckets shows bars, not walls. */
const MAX_BAR_WIDTH = 64;

function cssVariable(element: Element, name: string): string {
  return getComputedStyle(element).getPropertyValue(name).trim() || '#888';
}

/** Bars for one event, drawn on top of the previous (cumulative) series. */
function series(label: string, color: string): uPlot.Series {
  return {
    label,
    stroke: color,
    fill: color,
    width: 0,
    // Centred on the bucket's middle (the x value), 90% of the bucket wide: a bar covers its own time.
    paths: uPlot.paths.bars!({ size: [0.9, MAX_BAR_WIDTH], align: 0 }),
    points: { show: false },
  };
}

/**
 * Stacked histogram; `onRange` receives the dragged range as ISO strings. What was last drawn is on the
 * root element for tests and benchmarks: `data-filter` (the filter the data answers), `data-buckets`,
 * `data-drawn` (buckets that got a bar drawn), `data-min`/`data-max` (the x range, Unix seconds) and
 * `data-labels` (the time axis, JSON), and in the `histogram-rendered` event.
 */
export const Histogram = memo(function Histogram({
  data,
  filterKey,
  tabId,
  theme,
  onRange,
}: {
  data: HistogramData | undefined;
  /** The filter `data` answers (JSON), reported with what is drawn. */
  filterKey: string | undefined;
  tabId: string;
  theme: string;
  onRange(from: string, to: string): void;
}) {
  const root = useRef<HTMLDivElement>(null);
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const onRangeRef = useRef(onRange);
  onRangeRef.current = onRange;
  const tabIdRef = useRef(tabId);
  tabIdRef.current = tabId;
  const translator = useTranslator();

  // The x range the chart spans (the buckets' own span), read by the scale on every redraw, and the filter of the data drawn.
  const range = useRef<{ min: number; max: number }>({ min: 0, max: 1 });
  const drawnFilter = useRef<string | undefined>(undefined);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const axisColor = cssVariable(element, '--muted');
    const gridColor = cssVariable(element, '--border');
    // The labels last drawn, reported with 'histogram-rendered' (the axis is canvas, not DOM).
    let labels: string[] = [];
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 100),
      height: HEIGHT,
      legend: { show: false },
      padding: [6, 8, 0, 8],
      cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false }, y: false },
      select: { show: true, left: 0, top: 0, width: 0, height: 0 },
      scales: {
        x: { time: true, range: () => [range.current.min, range.current.max] },
        y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
      },
      axes: [
        {
          stroke: axisColor,
          grid: { stroke: gridColor, width: 1 },
          ticks: { show: false },
          size: 22,
          font: '10px system-ui, sans-serif',
          space: 110,
          // Worded from the step between ticks, so no two ticks read alike (seconds when they are seconds apart).
          values: (_u, splits, _axis, _space, step) => (labels = axisLabels(translator.locale, splits, step)),
        },
        { show: false },
      ],
      series: [
        {},
        series(translator.t('event.unlink'), cssVariable(element, '--event-unlink')),
        series(translator.t('event.write'), cssVariable(element, '--event-write')),
        series(translator.t('event.create'), cssVariable(element, '--event-create')),
      ],
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 3) return;
            const selection = selectedRange(u.posToVal(u.select.left, 'x'), u.posToVal(u.select.left + u.select.width, 'x'));
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            onRangeRef.current(selection.from, selection.to);
          },
        ],
        draw: [
          (u) => {
            const shown = u.data[0].length;
            if (shown === 0) return;
            // Which buckets the bars were drawn for: uPlot leaves out points outside the x scale.
            const [first, last] = u.series[1].idxs ?? [0, -1];
            const drawn = { buckets: shown, drawn: last - first + 1, min: range.current.min, max: range.current.max, labels };
            const target = root.current;
            if (target) {
              target.dataset.filter = drawnFilter.current ?? '';
              target.dataset.buckets = String(drawn.buckets);
              target.dataset.drawn = String(drawn.drawn);
              target.dataset.min = String(drawn.min);
              target.dataset.max = String(drawn.max);
              target.dataset.labels = JSON.stringify(labels);
            }
            appEvents.emit('histogram-rendered', { tabId: tabIdRef.current, filterKey: drawnFilter.current ?? '', ...drawn });
          },
        ],
      },
    };
    const instance = new uPlot(options, [[], [], [], []], element);
    plot.current = instance;
    const observer = new ResizeObserver(() => instance.setSize({ width: Math.max(element.clientWidth, 100), height: HEIGHT }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.destroy();
      plot.current = null;
    };
  }, [theme, translator]);

  useEffect(() => {
    const instance = plot.current;
    if (!instance || !data) return;
    const columns = chartColumns(data);
    drawnFilter.current = filterKey;
    if (!columns) {
      instance.setData([[], [], [], []]);
      return;
    }
    range.current = { min: columns.min, max: columns.max };
    instance.setData([columns.centres, columns.all, columns.writes, columns.creates]);
  }, [data, filterKey, theme, translator]);

  return (
    <div ref={root} className="histogram" data-testid="histogram" role="img" aria-label={translator.t('timeline.histogram')} title={translator.t('timeline.histogram')}>
      <div ref={container} className="histogram-plot" />
      {data && data.buckets.every((bucket) => bucket.count === 0) && <div className="histogram-empty">{translator.t('timeline.histogramEmpty')}</div>}
    </div>
  );
});
