/**
 * The timeline's rows, drawn without React, the way VS Code's list draws its rows: a fixed set of row
 * elements (one per visible position, built once from a template) whose text nodes are rewritten as the
 * list scrolls. Rows have one height, so which rows are visible is arithmetic, never a per-row
 * measurement (a million-row list costs what a hundred-row one does). A frame of fast scrolling changes
 * only text, classes and each row's offset: no element is created, moved in the DOM or removed, no
 * component is reconciled.
 */
import type { ChangeOrigin, ChangeRow } from '../../src-main/common/model';
import { EVENT_ICON } from '../ui/event-style';
import { ORIGIN_ICON } from '../ui/origin-badge';

/** Row height in pixels (dense, like VS Code's lists). */
export const ROW_HEIGHT = 24;

/** Rows drawn beyond each edge of the viewport: every one of them is laid out and painted every frame of a fast scroll. */
const OVERSCAN = 1;
/** Row elements grow in steps of this many, so a slightly taller viewport does not re-deal every row. */
const SLOT_STEP = 8;

/** The rows to draw for a scroll position: `first..last` inclusive (`last < first` when there are none). */
export interface RowRange {
  first: number;
  last: number;
}

/**
 * The rows within or near the viewport. The sticky header (one row high) sits at the top of the same
 * scroller, above row 0, and covers the first row's height of the viewport.
 */
export function visibleRange(scrollTop: number, viewportHeight: number, total: number): RowRange {
  if (total <= 0) return { first: 0, last: -1 };
  const top = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const bottom = Math.floor((scrollTop + Math.max(0, viewportHeight - ROW_HEIGHT) - 1) / ROW_HEIGHT) + OVERSCAN;
  return { first: Math.min(top, total - 1), last: Math.min(total - 1, Math.max(top, bottom)) };
}

/** How many row elements a viewport needs (the visible rows, the overscan, rounded up to a step). */
export function slotsFor(viewportHeight: number): number {
  const needed = Math.ceil(viewportHeight / ROW_HEIGHT) + 1 + 2 * OVERSCAN;
  return Math.ceil(needed / SLOT_STEP) * SLOT_STEP;
}

/**
 * Column widths in pixels for a list `width` wide: three fixed columns, three that share the rest 1 : 2 :
 * 2 with a minimum each (the rest overflows sideways when even the minimums do not fit). Computed once per
 * width for the header and every row, so a row lays out as a plain line of fixed-width cells.
 */
export function columnWidths(width: number): number[] {
  const fixed = [0, 150, 110, 0, 110, 0];
  const share = [1, 0, 0, 2, 0, 2];
  const minimum = [90, 150, 110, 180, 110, 120];
  const padding = 2 * 12;
  const gaps = 5 * 12;
  let free = Math.max(0, width - padding - gaps - fixed.reduce((sum, value) => sum + value, 0));
  const widths = [...fixed];
  // Give each flexible column its share; one that falls below its minimum takes the minimum out of the rest.
  let flexible = [0, 3, 5];
  for (;;) {
    const parts = flexible.reduce((sum, column) => sum + share[column], 0);
    const starved = flexible.filter((column) => (free * share[column]) / parts < minimum[column]);
    if (starved.length === 0) {
      for (const column of flexible) widths[column] = Math.floor((free * share[column]) / parts);
      return widths;
    }
    for (const column of starved) {
      widths[column] = minimum[column];
      free = Math.max(0, free - minimum[column]);
    }
    flexible = flexible.filter((column) => !starved.includes(column));
    if (flexible.length === 0) return widths;
  }
}

/** What every row shows besides its own data: labels, names, selection, and the formatters. */
export interface RowContext {
  tabId: string;
  instanceName(instanceId: string): string;
  selected: ReadonlySet<string>;
  activeKey: string | undefined;
  focused: number;
  labels: {
    loading: string;
    removed: string;
    removedByUser: string;
    events: Readonly<Record<string, string>>;
    /** Each origin's name and what it cannot know (the badge's text and tooltip). */
    origins: Readonly<Record<ChangeOrigin, { name: string; hint: string }>>;
  };
  /** The row's time as shown, and the full UTC time for its tooltip. */
  time(iso: string): string;
  utcTitle(iso: string): string;
  id(value: number): string;
  model(technical: string): string;
}

/** Sets a text node's value only when it changes (an equal write still costs a text change). */
function setText(node: Text, value: string): void {
  if (node.nodeValue !== value) node.nodeValue = value;
}

/** Shows or hides an element, touching the DOM only on a change (an attribute write restyles it). */
function setHidden(element: HTMLElement, hidden: boolean): void {
  if (element.hidden !== hidden) element.hidden = hidden;
}

/** Sets an attribute only when its value changes. */
function setAttribute(element: HTMLElement, name: string, value: string): void {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

function span(className: string, ...children: Node[]): HTMLSpanElement {
  const element = document.createElement('span');
  element.className = className;
  element.append(...children);
  return element;
}

function icon(name: string, extra = ''): HTMLSpanElement {
  const element = span(`codicon codicon-${name}${extra}`);
  element.setAttribute('aria-hidden', 'true');
  return element;
}

/** One row element and the nodes it rewrites. */
class RowSlot {
  readonly element = document.createElement('div');
  private readonly instance = new Text();
  private readonly time = new Text();
  private readonly eventText = new Text();
  private readonly model = new Text();
  private readonly technical = new Text();
  private readonly record = new Text();
  private readonly userName = new Text();
  private readonly fieldsText = new Text();
  private readonly originText = new Text();
  private readonly originIcon = icon('sync');
  private readonly origin: HTMLSpanElement;
  private readonly timeCell: HTMLSpanElement;
  private readonly eventCell: HTMLSpanElement;
  private readonly modelCell: HTMLSpanElement;
  private readonly eventIcon = icon('add');
  private readonly removedIcon = icon('trash', ' removed-marker');
  private readonly user: HTMLSpanElement;
  /** What the element shows now, so a frame rewrites only what changed. */
  index = -1;
  private row: ChangeRow | undefined;
  private context: RowContext | undefined;
  private className = '';
  private selected: boolean | undefined;

  constructor() {
    const cell = (className: string, ...children: Node[]) => {
      const element = span(className, ...children);
      element.setAttribute('role', 'gridcell');
      return element;
    };
    this.timeCell = cell('cell-time', this.time);
    this.eventCell = cell('cell-event', this.eventIcon, this.eventText);
    this.modelCell = cell('cell-model', this.model, span('technical', this.technical));
    this.removedIcon.setAttribute('role', 'img');
    this.removedIcon.removeAttribute('aria-hidden');
    // Few boxes per row: layout, pre-paint and paint cost grows with them, for every row of every frame.
    this.user = span('user', this.userName);
    // Only rows from another source than the module log carry a badge: the dense list stays light.
    this.origin = span('origin-badge', this.originIcon, this.originText);
    this.element.setAttribute('role', 'row');
    this.element.append(
      cell('cell-instance', this.instance),
      this.timeCell,
      this.eventCell,
      this.modelCell,
      cell('cell-record', this.record, this.removedIcon),
      cell('cell-extra', this.origin, this.user, this.fieldsText),
    );
  }

  /** Shows row `index` (`row` undefined while its page loads). */
  show(index: number, row: ChangeRow | undefined, context: RowContext): void {
    const element = this.element;
    if (index !== this.index) {
      this.index = index;
      element.id = `${context.tabId}-row-${index}`;
      element.setAttribute('aria-rowindex', String(index + 2));
      element.dataset.index = String(index);
      // `top`, not a transform: a transform per row is a paint property node per row to update and
      // layerize every frame; moving a contained, fixed-size box is a cheap positioned-movement layout.
      element.style.top = `${index * ROW_HEIGHT}px`;
    }
    if (row !== this.row || context.labels !== this.context?.labels || context.instanceName !== this.context?.instanceName) this.fill(row, context);
    this.row = row;
    this.context = context;
    // The event's colour is on its cell, not the row: a new event restyles one cell, not the whole row.
    let className = row ? 'timeline-row' : 'timeline-row loading';
    if (index === context.focused) className += ' focused';
    const selected = !!row && context.selected.has(row.key);
    if (selected) className += ' selected';
    if (row && row.key === context.activeKey) className += ' active';
    if (row?.removedAt) className += ' removed';
    if (className !== this.className) element.className = this.className = className;
    if (selected !== this.selected) element.setAttribute('aria-selected', String((this.selected = selected)));
  }

  private fill(row: ChangeRow | undefined, context: RowContext): void {
    const element = this.element;
    if (!row) {
      // A skeleton line (drawn by CSS) with the cells' text hidden; no stale key for tests or selection.
      element.removeAttribute('data-key');
      setAttribute(element, 'aria-label', context.labels.loading);
      return;
    }
    if (element.hasAttribute('aria-label')) element.removeAttribute('aria-label');
    element.dataset.key = row.key;
    setText(this.instance, context.instanceName(row.instanceId));
    setText(this.time, context.time(row.timestamp));
    setAttribute(this.timeCell, 'title', context.utcTitle(row.timestamp));
    setAttribute(this.eventCell, 'class', `cell-event event-${row.event}`);
    setAttribute(this.eventIcon, 'class', `codicon codicon-${EVENT_ICON[row.event]}`);
    setText(this.eventText, context.labels.events[row.event] ?? row.event);
    setText(this.model, `${context.model(row.model)} `);
    setText(this.technical, row.model);
    setAttribute(this.modelCell, 'title', row.model);
    setText(this.record, context.id(row.recordId));
    if (row.removedAt) {
      const label = row.removedBy === 'user' ? context.labels.removedByUser : context.labels.removed;
      setAttribute(this.removedIcon, 'class', `codicon codicon-${row.removedBy === 'user' ? 'trash' : 'circle-slash'} removed-marker`);
      setAttribute(this.removedIcon, 'aria-label', label);
      setAttribute(this.removedIcon, 'title', label);
    }
    setHidden(this.removedIcon, !row.removedAt);
    const origin = row.origin ?? 'module';
    setHidden(this.origin, origin === 'module');
    if (origin !== 'module') {
      const words = context.labels.origins[origin];
      setAttribute(this.origin, 'data-origin', origin);
      setAttribute(this.origin, 'class', `origin-badge origin-${origin}`);
      setAttribute(this.origin, 'title', words.hint);
      setAttribute(this.originIcon, 'class', `codicon codicon-${ORIGIN_ICON[origin]}`);
      setText(this.originText, words.name);
    }
    setHidden(this.user, !row.userName);
    setText(this.userName, row.userName ?? '');
    const fields = row.changedFields?.length ? row.changedFields.join(', ') : '';
    setText(this.fieldsText, fields && row.userName ? ` · ${fields}` : fields);
  }
}

/** The row elements of one list body: deals visible rows to them and keeps them current. */
export class RowView {
  private slots: RowSlot[] = [];
  private range: RowRange = { first: 0, last: -1 };

  constructor(private readonly body: HTMLElement) {}

  /**
   * Draws `range`, each row from `rowAt`. Row `index` always uses element `index % slots`, so scrolling
   * by a few rows rewrites those few elements only. Returns how many of the rows drawn have data.
   */
  render(range: RowRange, rowAt: (index: number) => ChangeRow | undefined, context: RowContext, slotCount: number): number {
    this.ensureSlots(Math.max(slotCount, range.last - range.first + 1));
    this.range = range;
    const count = this.slots.length;
    const used = new Set<number>();
    let loaded = 0;
    for (let index = range.first; index <= range.last; index++) {
      const slot = this.slots[index % count];
      used.add(index % count);
      const row = rowAt(index);
      if (row) loaded++;
      slot.show(index, row, context);
      if (!slot.element.isConnected) this.body.append(slot.element);
    }
    // Elements with no row in range (a short list, the end of a list) leave the DOM: no leftover row is
    // shown, read by a screen reader or found by a query. They come back when rows need them.
    this.slots.forEach((slot, position) => {
      if (!used.has(position) && slot.element.isConnected) {
        slot.element.remove();
        slot.index = -1;
      }
    });
    return loaded;
  }

  /** Takes every row element this view drew out of the page (its body may get another view). */
  dispose(): void {
    for (const slot of this.slots) slot.element.remove();
    this.slots = [];
    this.range = { first: 0, last: -1 };
  }

  /** The rows drawn last. */
  get drawn(): RowRange {
    return this.range;
  }

  private ensureSlots(count: number): void {
    if (count <= this.slots.length) return;
    const rounded = Math.ceil(count / SLOT_STEP) * SLOT_STEP;
    // More elements: rows are dealt again over all of them (index % count changes).
    for (const slot of this.slots) slot.index = -1;
    while (this.slots.length < rounded) this.slots.push(new RowSlot());
  }
}
