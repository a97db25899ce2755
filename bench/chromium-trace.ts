/**
 * Chromium's performance trace for the UI benchmark: records a trace over CDP (`Tracing` domain, the
 * same categories DevTools' Performance panel uses, plus the V8 sampling profiler) while the page runs
 * something, and sums up where the main thread's time went per frame: scripting, style, layout, paint,
 * raster, garbage collection, by trace event and by JavaScript function. Works on machines of any speed,
 * because it says what a frame is made of rather than how long it took.
 */
import type { Page } from 'playwright-core';

/** One Chrome trace event (the fields used here). */
interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time of a complete event: its wall duration minus the time the thread was not running. */
  tdur?: number;
  pid: number;
  tid: number;
  id?: string;
  args?: Record<string, unknown>;
}

const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'blink.user_timing',
  'v8.execute',
  'disabled-by-default-v8.cpu_profiler',
];

/** Records a trace while `action` runs; resolves with the trace events. */
export async function recordTrace(page: Page, action: () => Promise<void>): Promise<TraceEvent[]> {
  const session = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  session.on('Tracing.dataCollected', (message) => {
    events.push(...(message.value as unknown as TraceEvent[]));
  });
  const complete = new Promise<void>((resolve) => session.once('Tracing.tracingComplete', () => resolve()));
  await session.send('Tracing.start', { transferMode: 'ReportEvents', traceConfig: { includedCategories: CATEGORIES, recordMode: 'recordContinuously' } });
  try {
    await action();
  } finally {
    await session.send('Tracing.end');
    await complete;
    await session.detach();
  }
  return events;
}

/** Trace events grouped into what DevTools' Performance panel calls them. */
const CATEGORY_OF: Record<string, string> = {
  FunctionCall: 'scripting',
  EvaluateScript: 'scripting',
  EventDispatch: 'scripting',
  TimerFire: 'scripting',
  FireAnimationFrame: 'scripting',
  RunMicrotasks: 'scripting',
  'V8.Execute': 'scripting',
  'v8.callFunction': 'scripting',
  'v8.run': 'scripting',
  UpdateLayoutTree: 'style',
  RecalculateStyles: 'style',
  ParseAuthorStyleSheet: 'style',
  Layout: 'layout',
  UpdateLayerTree: 'layout',
  HitTest: 'layout',
  PrePaint: 'paint',
  Paint: 'paint',
  PaintImage: 'paint',
  Layerize: 'paint',
  CompositeLayers: 'composite',
  Commit: 'composite',
  'MajorGC': 'gc',
  'MinorGC': 'gc',
  'V8.GC_SCAVENGER': 'gc',
  'V8.GC_MARK_COMPACTOR': 'gc',
  BlinkGC: 'gc',
  RasterTask: 'raster',
  'Decode Image': 'raster',
};

/** Per-frame costs over a traced window. */
export interface FrameCosts {
  frames: number;
  /** Length of the traced windows per frame (ms). */
  window: number;
  /** Main-thread CPU time per frame in tasks (ms, thread time: what the work costs on any machine). */
  busy: number;
  /** The same tasks' wall time per frame: above `busy` by the time the thread waited for a CPU. */
  busyWall: number;
  /** Main-thread CPU milliseconds per frame, by category (scripting, style, layout, paint, composite, gc, other). */
  mainThread: Record<string, number>;
  /** Raster CPU milliseconds per frame, summed over the raster worker threads (software raster with --disable-gpu). */
  raster: number;
  /** Layout objects laid out per frame and elements whose style was recalculated per frame: counts that
   * do not depend on the machine's speed or load, so runs on different machines compare directly. */
  layoutObjects: number;
  restyledElements: number;
  /** The trace events with the most self CPU time on the main thread, ms per frame. */
  topEvents: { name: string; msPerFrame: number }[];
  /** The JavaScript functions with the most sampled self time, ms per frame. */
  topFunctions: { name: string; msPerFrame: number }[];
}

/**
 * Sums the main thread's self time per category inside the windows between the user-timing marks
 * `startMark` and `endMark` (each start paired with the next end) and divides it by `frames` (the frames,
 * or the operations, the page counted in those windows). `busy` is the main thread's total per frame and
 * `window` the windows' length per frame: the difference is time the main thread waited (on the server,
 * on other processes, on the next frame).
 */
export function frameCosts(events: readonly TraceEvent[], options: { startMark: string; endMark: string; frames: number }): FrameCosts {
  const marks = (name: string) => events.filter((event) => event.name === name && event.cat.includes('blink.user_timing')).sort((a, b) => a.ts - b.ts);
  const starts = marks(options.startMark);
  const ends = marks(options.endMark);
  if (!starts.length || !ends.length) throw new Error(`the trace has no ${starts.length ? options.endMark : options.startMark} mark (user timing)`);
  const windows = starts.map((start) => [start.ts, ends.find((end) => end.ts >= start.ts)?.ts ?? start.ts] as const);
  const pid = starts[0].pid;
  const threadNames = new Map<number, string>();
  for (const event of events) if (event.ph === 'M' && event.name === 'thread_name' && event.pid === pid) threadNames.set(event.tid, String(event.args?.name));
  const mainTid = [...threadNames].find(([, name]) => name === 'CrRendererMain')?.[0] ?? starts[0].tid;
  const inWindow = (event: TraceEvent) => windows.some(([from, to]) => event.ts >= from && event.ts + (event.dur ?? 0) <= to);
  const frames = Math.max(1, options.frames);

  // Self time of each complete event on the main thread: its time minus that of its direct children.
  // CPU (thread) time where the trace has it: on a busy machine wall time includes waiting for a CPU.
  const cpu = (event: TraceEvent) => event.tdur ?? event.dur ?? 0;
  const main = events.filter((event) => event.ph === 'X' && event.pid === pid && event.tid === mainTid && inWindow(event)).sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const selfByName = new Map<string, number>();
  const stack: { event: TraceEvent; end: number; children: number }[] = [];
  let busy = 0;
  let busyWall = 0;
  const close = (until: number) => {
    while (stack.length && stack[stack.length - 1].end <= until) {
      const done = stack.pop()!;
      selfByName.set(done.event.name, (selfByName.get(done.event.name) ?? 0) + Math.max(0, cpu(done.event) - done.children));
      if (stack.length) stack[stack.length - 1].children += cpu(done.event);
      else {
        busy += cpu(done.event);
        busyWall += done.event.dur ?? 0;
      }
    }
  };
  for (const event of main) {
    close(event.ts);
    stack.push({ event, end: event.ts + (event.dur ?? 0), children: 0 });
  }
  close(Infinity);
  const mainThread: Record<string, number> = {};
  for (const [name, micros] of selfByName) {
    const category = CATEGORY_OF[name] ?? (name.startsWith('V8.') || name.startsWith('v8.') ? 'scripting' : 'other');
    mainThread[category] = (mainThread[category] ?? 0) + micros / 1000 / frames;
  }
  const topEvents = [...selfByName]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([name, micros]) => ({ name, msPerFrame: micros / 1000 / frames }));
  const raster =
    events
      .filter((event) => event.ph === 'X' && event.pid === pid && event.tid !== mainTid && event.name === 'RasterTask' && inWindow(event))
      .reduce((sum, event) => sum + cpu(event), 0) /
    1000 /
    frames;
  const span = windows.reduce((sum, [from, to]) => sum + (to - from), 0) / 1000 / frames;
  const perFrame = (name: string, count: (event: TraceEvent) => number) => main.filter((event) => event.name === name).reduce((sum, event) => sum + count(event), 0) / frames;
  const layoutObjects = perFrame('Layout', (event) => Number((event.args?.beginData as { dirtyObjects?: number } | undefined)?.dirtyObjects ?? 0));
  const restyledElements = perFrame('UpdateLayoutTree', (event) => Number(event.args?.elementCount ?? 0));
  return {
    frames,
    window: span,
    busy: busy / 1000 / frames,
    busyWall: busyWall / 1000 / frames,
    mainThread,
    raster,
    layoutObjects,
    restyledElements,
    topEvents,
    topFunctions: sampledFunctions(events, pid, mainTid, windows, frames),
  };
}

/** Self time per JavaScript function on the main thread, from the V8 sampling profiler's chunks. */
function sampledFunctions(events: readonly TraceEvent[], pid: number, mainTid: number, windows: readonly (readonly [number, number])[], frames: number): { name: string; msPerFrame: number }[] {
  interface ProfileNode {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  }
  // Each thread's profile is a 'Profile' event (its start) and 'ProfileChunk' events sharing its id.
  const profile = events.find((event) => event.name === 'Profile' && event.pid === pid && event.tid === mainTid);
  if (!profile) return [];
  const nodes = new Map<number, ProfileNode>();
  const self = new Map<string, number>();
  let time = Number((profile.args?.data as { startTime?: number } | undefined)?.startTime ?? profile.ts);
  for (const event of events) {
    if (event.name !== 'ProfileChunk' || event.pid !== pid || event.id !== profile.id) continue;
    const data = event.args?.data as { cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] }; timeDeltas?: number[] } | undefined;
    for (const node of data?.cpuProfile?.nodes ?? []) nodes.set(node.id, node);
    const samples = data?.cpuProfile?.samples ?? [];
    const deltas = data?.timeDeltas ?? [];
    for (let index = 0; index < samples.length; index++) {
      time += deltas[index] ?? 0;
      // A sample stands for the time until the next one.
      const duration = Math.max(0, deltas[index + 1] ?? 0);
      if (!windows.some(([from, to]) => time >= from && time <= to)) continue;
      const frame = nodes.get(samples[index])?.callFrame;
      if (!frame) continue;
      const file = frame.url ? frame.url.slice(frame.url.lastIndexOf('/') + 1) : '';
      const name = `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}:${frame.columnNumber + 1}` : ''}`;
      self.set(name, (self.get(name) ?? 0) + duration);
    }
  }
  return [...self]
    .filter(([name]) => !['(idle)', '(program)', '(root)'].includes(name))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([name, micros]) => ({ name, msPerFrame: micros / 1000 / frames }));
}
