/**
 * The change histogram above the timeline (uPlot): bars stacked per event; dragging across it selects
 * a time range, which becomes the tab's filter.
 */
import { memo, useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Histogram as HistogramData } from '../../src-main/common/model';
import { useTranslator } from '../i18n';
import { appEvents } from '../workbench/app-events';

const HEIGHT = 84;

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
    paths: uPlot.paths.bars!({ size: [0.9, 40], align: 1 }),
    points: { show: false },
  };
}

/** Stacked histogram; `onRange` receives the dragged range as ISO strings. */
export const Histogram = memo(function Histogram({
  data,
  tabId,
  theme,
  onRange,
}: {
  data: HistogramData | undefined;
  tabId: string;
  theme: string;
  onRange(from: string, to: string): void;
}) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const onRangeRef = useRef(onRange);
  onRangeRef.current = onRange;
  const translator = useTranslator();

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const timeFormat = new Intl.DateTimeFormat(translator.locale, { hour: '2-digit', minute: '2-digit' });
    const dayFormat = new Intl.DateTimeFormat(translator.locale, { month: 'short', day: 'numeric' });
    const dayTimeFormat = new Intl.DateTimeFormat(translator.locale, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
    const axisColor = cssVariable(element, '--muted');
    const gridColor = cssVariable(element, '--border');
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 100),
      height: HEIGHT,
      legend: { show: false },
      padding: [6, 8, 0, 8],
      cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false }, y: false },
      select: { show: true, left: 0, top: 0, width: 0, height: 0 },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] } },
      axes: [
        {
          stroke: axisColor,
          grid: { stroke: gridColor, width: 1 },
          ticks: { show: false },
          size: 22,
          font: '10px system-ui, sans-serif',
          space: 110,
          // Short labels sized to the span: times within a day, dates beyond a week.
          values: (_u, splits) => {
            const span = (splits[splits.length - 1] ?? 0) - (splits[0] ?? 0);
            const format = span > 7 * 86400 ? dayFormat : span > 86400 ? dayTimeFormat : timeFormat;
            return splits.map((value) => format.format(new Date(value * 1000)));
          },
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
            const from = u.posToVal(u.select.left, 'x');
            const to = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            onRangeRef.current(new Date(Math.floor(from) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'), new Date(Math.ceil(to) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
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
    const xs: number[] = [];
    const all: number[] = [];
    const writes: number[] = [];
    const creates: number[] = [];
    for (const bucket of data.buckets) {
      xs.push(Date.parse(bucket.start) / 1000);
      creates.push(bucket.create);
      writes.push(bucket.create + bucket.write);
      all.push(bucket.create + bucket.write + bucket.unlink);
    }
    instance.setData([xs, all, writes, creates]);
    if (xs.length > 0) instance.setScale('x', { min: Date.parse(data.from) / 1000, max: Date.parse(data.to) / 1000 });
    appEvents.emit('histogram-rendered', { tabId, buckets: xs.length });
  }, [data, tabId, theme, translator]);

  return (
    <div className="histogram" data-testid="histogram" role="img" aria-label={translator.t('timeline.histogram')} title={translator.t('timeline.histogram')}>
      <div ref={container} className="histogram-plot" />
      {data && data.buckets.every((bucket) => bucket.count === 0) && <div className="histogram-empty">{translator.t('timeline.histogramEmpty')}</div>}
    </div>
  );
});
