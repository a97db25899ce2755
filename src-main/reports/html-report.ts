/**
 * The self-contained HTML change report (inline CSS, an inline SVG chart, no external resources), also
 * the source of the PDF. Sections: scope, summary per instance/model/event, histogram, most-changed
 * records, error groups. Arabic reports are `lang="ar" dir="rtl"` with Arabic labels, digits and dates;
 * technical values (model names, ids) are isolated with `<bdi>` so they keep their order.
 */
import { changeTexts } from '../common/field-values';
import type { ChangeEvent, ChangeFilter, ErrorGroup, Histogram, InstanceId } from '../common/model';
import { periodHistogram, type ReportData } from './report-data';
import type { ErrorLogCoverage } from './report-instances';
import { bucketName, errorLogNote, reportLocale, reportStrings, reportTitle, type ReportLanguage, type ReportStrings } from './strings';

/** What {@link renderHtmlReport} needs. */
export interface HtmlReportInput {
  data: ReportData;
  language: ReportLanguage;
  /** Shown as the heading; defaults to the catalogue's "Change report". */
  title?: string;
  generatedAt: Date;
  /** The filter the report was made from, described in the scope line. */
  filter: ChangeFilter;
  instanceNames: ReadonlyMap<InstanceId, string>;
  errorGroups: readonly ErrorGroup[];
  /** Whose error logs were read: one not read is named (with why), and "no errors" is said only of read ones. */
  errorLogs?: ErrorLogCoverage;
}

const EVENTS: readonly ChangeEvent[] = ['create', 'write', 'unlink'];
const EVENT_COLOURS: Record<ChangeEvent, string> = { create: '#2e7d32', write: '#1565c0', unlink: '#c62828' };

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Formatting bound to one language. */
class Formatter {
  private readonly numbers: Intl.NumberFormat;
  private readonly dates: Intl.DateTimeFormat;
  private readonly days: Intl.DateTimeFormat;
  private readonly seconds: Intl.DateTimeFormat;

  constructor(readonly language: ReportLanguage) {
    const locale = reportLocale(language);
    this.numbers = new Intl.NumberFormat(locale);
    this.dates = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
    this.days = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
    this.seconds = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: 'UTC' });
  }

  number(value: number): string {
    return this.numbers.format(value);
  }

  date(iso: string): string {
    return this.dates.format(new Date(iso));
  }

  /** A bucket boundary, to the second when buckets are shorter than a minute (else two would read alike). */
  bucketTime(iso: string, bucketSeconds: number): string {
    return (bucketSeconds < 60 ? this.seconds : this.days).format(new Date(iso));
  }
}

/** Renders the whole report as one HTML document. */
export function renderHtmlReport(input: HtmlReportInput): string {
  const strings = reportStrings(input.language);
  const format = new Formatter(input.language);
  const title = reportTitle(input.language, input.title);
  const direction = input.language === 'ar' ? 'rtl' : 'ltr';
  const body = [
    `<header><h1>${escapeHtml(title)}</h1>${scopeSection(input, strings, format)}</header>`,
    summarySection(input, strings, format),
    histogramSection(periodHistogram(input.data, input.filter), strings, format, input.language),
    mostChangedSection(input, strings, format),
    valueChangesSection(input, strings, format),
    errorSection(input.errorGroups, input.errorLogs, input.instanceNames, strings, format),
  ].join('\n');
  return `<!DOCTYPE html>
<html lang="${input.language}" dir="${direction}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function scopeSection(input: HtmlReportInput, strings: ReportStrings, format: Formatter): string {
  const filter = input.filter;
  const instances = filter.instanceIds?.length
    ? filter.instanceIds.map((id) => bdi(input.instanceNames.get(id) ?? id)).join(', ')
    : escapeHtml(strings.allInstances);
  const models = filter.models?.length ? filter.models.map((model) => modelLabel(model, strings)).join(', ') : escapeHtml(strings.allModels);
  const events = filter.events?.length ? filter.events.map((event) => escapeHtml(strings.eventNames[event])).join(', ') : escapeHtml(strings.allEvents);
  const from = filter.from ?? input.data.first;
  const to = filter.to ?? input.data.last;
  const period = from && to ? `${escapeHtml(format.date(from))} – ${escapeHtml(format.date(to))}` : escapeHtml(strings.wholeHistory);
  return `<dl class="scope">
<div><dt>${escapeHtml(strings.instances)}</dt><dd>${instances}</dd></div>
<div><dt>${escapeHtml(strings.models)}</dt><dd>${models}</dd></div>
<div><dt>${escapeHtml(strings.events)}</dt><dd>${events}</dd></div>
<div><dt>${escapeHtml(strings.period)}</dt><dd>${period}</dd></div>
<div><dt>${escapeHtml(strings.generatedAt)}</dt><dd>${escapeHtml(format.date(input.generatedAt.toISOString()))}</dd></div>
</dl>
<p class="note">${escapeHtml(strings.timesInUtc)}</p>`;
}

function summarySection(input: HtmlReportInput, strings: ReportStrings, format: Formatter): string {
  const { data } = input;
  const byModel = new Map<string, number>();
  const byEvent = new Map<ChangeEvent, number>();
  for (const row of data.summary) {
    byModel.set(row.model, (byModel.get(row.model) ?? 0) + row.count);
    byEvent.set(row.event, (byEvent.get(row.event) ?? 0) + row.count);
  }
  const totals = `<div class="totals">
<div class="total"><span class="figure">${format.number(data.total)}</span><span>${escapeHtml(strings.totalChanges)}</span></div>
${EVENTS.map((event) => `<div class="total ${event}"><span class="figure">${format.number(byEvent.get(event) ?? 0)}</span><span>${escapeHtml(strings.eventNames[event])}</span></div>`).join('\n')}
</div>`;
  if (data.total === 0) {
    return `<section id="summary"><h2>${escapeHtml(strings.summary)}</h2>${totals}<p class="empty">${escapeHtml(strings.noChanges)}</p></section>`;
  }
  const detail = data.summary
    .map(
      (row) =>
        `<tr><td>${bdi(input.instanceNames.get(row.instanceId) ?? row.instanceId)}</td><td>${modelLabel(row.model, strings)}</td><td>${eventBadge(row.event, strings)}</td><td class="num">${format.number(row.count)}</td></tr>`,
    )
    .join('\n');
  const models = [...byModel.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([model, count]) => `<tr><td>${modelLabel(model, strings)}</td><td class="num">${format.number(count)}</td></tr>`)
    .join('\n');
  return `<section id="summary">
<h2>${escapeHtml(strings.summary)}</h2>
${totals}
<div class="columns">
<div>
<h3>${escapeHtml(strings.summaryByModel)}</h3>
<table><thead><tr><th>${escapeHtml(strings.model)}</th><th class="num">${escapeHtml(strings.count)}</th></tr></thead><tbody>
${models}
</tbody></table>
</div>
<div>
<h3>${escapeHtml(strings.summaryByInstance)}</h3>
<table><thead><tr><th>${escapeHtml(strings.instance)}</th><th>${escapeHtml(strings.model)}</th><th>${escapeHtml(strings.event)}</th><th class="num">${escapeHtml(strings.count)}</th></tr></thead><tbody>
${detail}
</tbody></table>
</div>
</div>
</section>`;
}

/**
 * A stacked bar chart as inline SVG (time runs left to right in both languages, as on a clock axis). The
 * axis is labelled with where the first bucket starts and the last one ends.
 */
export function histogramSvg(histogram: Histogram, format: { number(value: number): string; bucketTime(iso: string, bucketSeconds: number): string }): string {
  const width = 720;
  const height = 220;
  const left = 48;
  const bottom = 28;
  const top = 12;
  const plotWidth = width - left - 8;
  const plotHeight = height - top - bottom;
  const max = Math.max(1, ...histogram.buckets.map((bucket) => bucket.count));
  const slot = plotWidth / Math.max(1, histogram.buckets.length);
  const barWidth = Math.max(1, slot * 0.8);
  const bars: string[] = [];
  histogram.buckets.forEach((bucket, index) => {
    let y = top + plotHeight;
    for (const event of EVENTS) {
      const value = bucket[event];
      if (!value) continue;
      const barHeight = (value / max) * plotHeight;
      y -= barHeight;
      bars.push(
        `<rect x="${(left + index * slot + (slot - barWidth) / 2).toFixed(1)}" y="${y.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${barHeight.toFixed(1)}" fill="${EVENT_COLOURS[event]}"><title>${escapeHtml(format.bucketTime(bucket.start, histogram.bucketSeconds))}: ${format.number(value)}</title></rect>`,
      );
    }
  });
  const end = histogram.buckets.length ? new Date(Date.parse(histogram.buckets[histogram.buckets.length - 1].start) + histogram.bucketSeconds * 1000).toISOString() : '';
  const firstLabel = histogram.buckets.length ? format.bucketTime(histogram.buckets[0].start, histogram.bucketSeconds) : '';
  const lastLabel = histogram.buckets.length ? format.bucketTime(end, histogram.bucketSeconds) : '';
  return `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" direction="ltr" role="img">
<line x1="${left}" y1="${top + plotHeight}" x2="${width - 8}" y2="${top + plotHeight}" stroke="#888"/>
<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotHeight}" stroke="#888"/>
<text x="${left - 6}" y="${top + 10}" text-anchor="end" font-size="11">${escapeHtml(format.number(max))}</text>
<text x="${left - 6}" y="${top + plotHeight}" text-anchor="end" font-size="11">${escapeHtml(format.number(0))}</text>
<text x="${left}" y="${height - 8}" text-anchor="start" font-size="11" class="axis-start">${escapeHtml(firstLabel)}</text>
<text x="${width - 8}" y="${height - 8}" text-anchor="end" font-size="11" class="axis-end">${escapeHtml(lastLabel)}</text>
${bars.join('\n')}
</svg>`;
}

function histogramSection(histogram: Histogram, strings: ReportStrings, format: Formatter, language: ReportLanguage): string {
  if (!histogram.buckets.length) return `<section id="histogram"><h2>${escapeHtml(strings.histogram)}</h2><p class="empty">${escapeHtml(strings.noChanges)}</p></section>`;
  const legend = EVENTS.map((event) => `<span class="legend"><i style="background:${EVENT_COLOURS[event]}"></i>${escapeHtml(strings.eventNames[event])}</span>`).join(' ');
  const caption = strings.histogramCaption.replace('{bucket}', bucketName(language, histogram.bucketSeconds));
  return `<section id="histogram">
<h2>${escapeHtml(strings.histogram)}</h2>
<figure>${histogramSvg(histogram, format)}
<figcaption>${escapeHtml(caption)} ${legend}</figcaption></figure>
</section>`;
}

function mostChangedSection(input: HtmlReportInput, strings: ReportStrings, format: Formatter): string {
  const records = input.data.mostChanged;
  if (!records.length) return `<section id="most-changed"><h2>${escapeHtml(strings.mostChanged)}</h2><p class="empty">${escapeHtml(strings.noChanges)}</p></section>`;
  const rows = records
    .map(
      (record) =>
        `<tr><td>${bdi(input.instanceNames.get(record.instanceId) ?? record.instanceId)}</td><td>${modelLabel(record.model, strings)}</td><td class="num">${bdi(`#${record.recordId}`)}</td><td>${record.events.map((event) => eventBadge(event, strings)).join(' ')}</td><td class="num">${format.number(record.count)}</td><td>${escapeHtml(format.date(record.lastTimestamp))}</td></tr>`,
    )
    .join('\n');
  return `<section id="most-changed">
<h2>${escapeHtml(strings.mostChanged)}</h2>
<table><thead><tr><th>${escapeHtml(strings.instance)}</th><th>${escapeHtml(strings.model)}</th><th class="num">${escapeHtml(strings.record)}</th><th>${escapeHtml(strings.events)}</th><th class="num">${escapeHtml(strings.changes)}</th><th>${escapeHtml(strings.lastChange)}</th></tr></thead><tbody>
${rows}
</tbody></table>
</section>`;
}

function valueChangesSection(input: HtmlReportInput, strings: ReportStrings, format: Formatter): string {
  const { valueChanges, valueChangeTotal } = input.data;
  if (!valueChanges.length) return `<section id="value-changes"><h2>${escapeHtml(strings.valueChanges)}</h2><p class="empty">${escapeHtml(strings.noValueChanges)}</p></section>`;
  const rows = valueChanges
    .map((entry) => {
      const texts = changeTexts(entry.change, { ...strings.valueWords, number: (value) => format.number(value) });
      const field = entry.change.label ? `${escapeHtml(entry.change.label)} <span class="technical">${bdi(entry.change.field)}</span>` : bdi(entry.change.field);
      return `<tr><td>${escapeHtml(format.date(entry.timestamp))}</td><td>${bdi(input.instanceNames.get(entry.instanceId) ?? entry.instanceId)}</td><td>${modelLabel(entry.model, strings)} ${bdi(`#${entry.recordId}`)}</td><td>${entry.userName ? bdi(entry.userName) : ''}</td><td>${field}</td><td class="value old">${bdi(texts.old)}</td><td class="value new">${bdi(texts.new)}</td></tr>`;
    })
    .join('\n');
  const shown = strings.valueChangesShown.replace('{shown}', format.number(valueChanges.length)).replace('{total}', format.number(valueChangeTotal));
  return `<section id="value-changes">
<h2>${escapeHtml(strings.valueChanges)}</h2>
<p class="note">${escapeHtml(shown)}</p>
<table><thead><tr><th>${escapeHtml(strings.time)}</th><th>${escapeHtml(strings.instance)}</th><th>${escapeHtml(strings.record)}</th><th>${escapeHtml(strings.user)}</th><th>${escapeHtml(strings.field)}</th><th>${escapeHtml(strings.oldValue)}</th><th>${escapeHtml(strings.newValue)}</th></tr></thead><tbody>
${rows}
</tbody></table>
</section>`;
}

function errorSection(groups: readonly ErrorGroup[], coverage: ErrorLogCoverage | undefined, names: ReadonlyMap<InstanceId, string>, strings: ReportStrings, format: Formatter): string {
  // "No errors" is only true of the error logs that were read; each one that was not is named, with why.
  const unread = coverage?.unread ?? [];
  const notes = unread
    .map((log) => `<p class="unread" data-instance="${escapeHtml(log.instanceId)}">${escapeHtml(errorLogNote(strings, names.get(log.instanceId) ?? log.instanceId, log.state))}</p>`)
    .join('\n');
  if (!groups.length) {
    const empty = !unread.length ? strings.noErrors : coverage?.read.length ? strings.noErrorsInRead : undefined;
    return `<section id="errors"><h2>${escapeHtml(strings.errorGroups)}</h2>${notes}${empty ? `<p class="empty">${escapeHtml(empty)}</p>` : ''}</section>`;
  }
  const rows = groups
    .map(
      (group) =>
        `<tr><td class="message"><bdi>${escapeHtml(group.title)}</bdi><div class="sample"><bdi>${escapeHtml(group.sample)}</bdi></div></td><td>${group.models.map((model) => modelLabel(model, strings)).join(', ')}</td><td>${group.instanceIds.map((id) => bdi(names.get(id) ?? id)).join(', ')}</td><td class="num">${format.number(group.count)}</td><td>${escapeHtml(format.date(group.firstSeen))}</td><td>${escapeHtml(format.date(group.lastSeen))}</td></tr>`,
    )
    .join('\n');
  return `<section id="errors">
<h2>${escapeHtml(strings.errorGroups)}</h2>${notes}
<table><thead><tr><th>${escapeHtml(strings.errorMessage)}</th><th>${escapeHtml(strings.models)}</th><th>${escapeHtml(strings.instances)}</th><th class="num">${escapeHtml(strings.count)}</th><th>${escapeHtml(strings.firstSeen)}</th><th>${escapeHtml(strings.lastSeen)}</th></tr></thead><tbody>
${rows}
</tbody></table>
</section>`;
}

function bdi(text: string): string {
  return `<bdi>${escapeHtml(text)}</bdi>`;
}

function modelLabel(model: string, strings: ReportStrings): string {
  const name = strings.modelNames[model];
  return name ? `${escapeHtml(name)} <span class="technical">${bdi(model)}</span>` : bdi(model);
}

function eventBadge(event: ChangeEvent, strings: ReportStrings): string {
  return `<span class="badge ${event}">${escapeHtml(strings.eventNames[event])}</span>`;
}

const STYLE = `
@page { size: A4; margin: 14mm; }
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Noto Sans Arabic", "Segoe UI", Tahoma, Arial, sans-serif; font-size: 12px; color: #1b1b1b; margin: 24px; line-height: 1.45; }
@media print { body { margin: 0; } }
h1 { font-size: 22px; margin: 0 0 8px; }
h2 { font-size: 16px; margin: 22px 0 8px; border-bottom: 2px solid #1565c0; padding-bottom: 4px; }
h3 { font-size: 13px; margin: 10px 0 6px; }
.scope { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 4px 16px; margin: 0; }
.scope div { display: flex; gap: 6px; }
.scope dt { font-weight: bold; }
.scope dd { margin: 0; }
.note { color: #555; font-size: 11px; margin: 6px 0 0; }
.totals { display: flex; gap: 12px; flex-wrap: wrap; margin: 8px 0 12px; }
.total { border: 1px solid #ccc; border-radius: 6px; padding: 8px 14px; min-width: 110px; display: flex; flex-direction: column; }
.total .figure { font-size: 20px; font-weight: bold; }
.total.create { border-color: #2e7d32; } .total.write { border-color: #1565c0; } .total.unlink { border-color: #c62828; }
.columns { display: grid; grid-template-columns: 1fr 2fr; gap: 16px; align-items: start; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 6px; text-align: start; vertical-align: top; }
th { background: #f1f4f8; }
tr { break-inside: avoid; }
td.num, th.num { text-align: end; font-variant-numeric: tabular-nums; }
.technical { color: #666; font-size: 10px; }
.badge { display: inline-block; border-radius: 3px; padding: 0 5px; color: #fff; font-size: 10px; }
.badge.create { background: #2e7d32; } .badge.write { background: #1565c0; } .badge.unlink { background: #c62828; }
figure { margin: 0; }
.chart { max-width: 100%; height: auto; font-family: inherit; }
figcaption { color: #555; font-size: 11px; margin-top: 4px; }
.legend { display: inline-flex; align-items: center; gap: 4px; margin-inline-start: 10px; }
.legend i { display: inline-block; width: 10px; height: 10px; }
.message { max-width: 320px; overflow-wrap: anywhere; }
.sample { color: #666; font-size: 10px; }
.empty { color: #666; font-style: italic; }
td.value { max-width: 220px; overflow-wrap: anywhere; }
td.value.old { color: #8a1c1c; } td.value.new { color: #1b5e20; }
.unread { border-inline-start: 3px solid #b26a00; background: #fff6e5; padding: 6px 10px; }
`;
