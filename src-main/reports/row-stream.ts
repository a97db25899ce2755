/**
 * Plumbing shared by the streaming exporters: a row source that may be synchronous (better-sqlite3
 * iterators) or asynchronous, a text sink that honours backpressure, and progress/cancel checks.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { OcmError } from '../common/errors';
import type { ChangeRow } from '../common/model';

/** Rows in the order they are exported, synchronous or asynchronous. */
export type RowIterable = Iterable<ChangeRow> | AsyncIterable<ChangeRow>;

/** Options every streaming exporter accepts. */
export interface StreamOptions {
  /** Aborts the export; the promise rejects with OcmError 'cancelled'. */
  signal?: AbortSignal;
  /** Called with the number of rows written so far, every {@link progressEvery} rows and at the end. */
  onProgress?: (rows: number) => void;
  /** Rows between progress calls (default 10,000). */
  progressEvery?: number;
}

function isAsyncIterable<T>(source: Iterable<T> | AsyncIterable<T>): source is AsyncIterable<T> {
  return typeof (source as AsyncIterable<T>)[Symbol.asyncIterator] === 'function';
}

/**
 * Calls `visit` for each row. A synchronous source is consumed in a plain loop (no per-row microtask),
 * awaiting only when `visit` returns a promise (backpressure). Returns the number of rows visited.
 */
export async function forEachRow(
  source: RowIterable,
  visit: (row: ChangeRow) => void | Promise<void>,
  options: StreamOptions = {},
): Promise<number> {
  const every = options.progressEvery ?? 10_000;
  let count = 0;
  const step = (): void => {
    count++;
    if (count % every === 0) {
      throwIfAborted(options.signal);
      options.onProgress?.(count);
    }
  };
  throwIfAborted(options.signal);
  if (isAsyncIterable(source)) {
    for await (const row of source) {
      const pending = visit(row);
      if (pending) await pending;
      step();
    }
  } else {
    for (const row of source) {
      const pending = visit(row);
      if (pending) await pending;
      step();
    }
  }
  throwIfAborted(options.signal);
  options.onProgress?.(count);
  return count;
}

/** Rejects with OcmError 'cancelled' when the signal fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new OcmError('cancelled', 'The export was cancelled.');
}

/**
 * Buffers text and writes it to a stream in large chunks, waiting for 'drain' when the stream's buffer
 * is full, so memory stays bounded whatever the number of rows.
 */
export class TextSink {
  private buffer = '';
  private bytesWritten = 0;

  constructor(
    private readonly stream: Writable,
    private readonly chunkSize = 64 * 1024,
  ) {}

  /** Appends text; returns a promise only when the caller must wait for the stream to drain. */
  write(text: string): void | Promise<void> {
    this.buffer += text;
    if (this.buffer.length >= this.chunkSize) return this.flush();
  }

  /** Bytes handed to the stream so far (UTF-8). */
  get bytes(): number {
    return this.bytesWritten + Buffer.byteLength(this.buffer);
  }

  private flush(): void | Promise<void> {
    if (!this.buffer) return;
    const chunk = this.buffer;
    this.buffer = '';
    this.bytesWritten += Buffer.byteLength(chunk);
    if (!this.stream.write(chunk)) return waitForDrain(this.stream);
  }

  /** Writes what is buffered and ends the stream, resolving once the data is flushed to its target. */
  async end(): Promise<void> {
    const pending = this.flush();
    if (pending) await pending;
    await new Promise<void>((resolve, reject) => {
      this.stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
    });
  }
}

async function waitForDrain(stream: Writable): Promise<void> {
  // 'error' rejects the wait, so a full disk does not hang the export.
  await once(stream, 'drain');
}
