/**
 * `ocm changes`: every mirrored change matching the filters, streamed in time order (oldest first) in
 * keyset batches, so millions of rows print in constant memory. Rows since removed from the server are
 * part of the history and marked as such.
 */
import { OcmError } from '../../../common/errors';
import type { ChangeEvent, ChangeFilter, ChangeRow, TimelineCursor } from '../../../common/model';
import type { IChangeService } from '../../../common/services';
import { CHANGE_EXPORT_COLUMNS, changeCells, csvCell, type CsvValue } from '../../../reports/csv';
import { instanceLookup, openServices, type InstanceLookup, type OpenServices } from '../cli-services';
import { choices, FLAG, flag, option, VALUE, type CliCommand, type CliIo, type CommandOptions, type ParsedArgs } from '../command';
import { usageError } from '../run-cli';
import { alignRow, columnWidths } from '../text-table';

const usage = `Usage: ocm changes [--instance NAME[,NAME…]] [--model MODEL[,MODEL…]] [--event create,write,unlink]
                   [--record-id ID] [--since 1h|2d|ISO] [--until 30m|ISO] [--text WORDS] [--user NAME]
                   [--field NAME [--value TEXT]] [--removed | --present] [--limit N] [--json | --csv [--bom] | --ndjson]

Prints the mirrored change history, oldest first, including rows since removed from the server.
  --instance, --model, --event   one value, or several separated by commas
  --since, --until               an ISO time (UTC unless it has an offset) or an age: 90s, 30m, 1h, 2d, 1w
  --text                         words matched in model, record id, user, changed fields and their values
  --field NAME                   only rows that changed this field (technical name, e.g. list_price)
  --value TEXT                   only rows whose old or new value (of --field, else of any field) contains TEXT
  --removed / --present          only rows removed from the server / still on it
  --limit N                      only the newest N matching rows (still printed oldest first)
  --json | --csv | --ndjson      machine-readable output (times in UTC); default: a table in local time
  --bom                          with --csv: start with a UTF-8 byte-order mark (Excel and Arabic text)`;

/** The filters of `ocm changes`, which `ocm delete` and `ocm export` take too. */
export const CHANGE_FILTER_OPTIONS: CommandOptions = {
  instance: VALUE,
  model: VALUE,
  event: choices(['create', 'write', 'unlink']),
  'record-id': VALUE,
  since: VALUE,
  until: VALUE,
  text: VALUE,
  user: VALUE,
  field: VALUE,
  value: VALUE,
  removed: FLAG,
  present: FLAG,
};

/** Rows per keyset batch and per write to stdout. */
const BATCH_SIZE = 1000;
/** Table column widths are measured on the first rows, so the table can stream without reading everything. */
const WIDTH_SAMPLE = 500;

/** Options of {@link createChangesCommand}. */
export interface ChangesCommandOptions {
  /** The clock for `--since 1h` (tests). */
  now?: () => number;
}

/** Creates `ocm changes` over the services `open` gives (read-only; closed when the command ends). */
export function createChangesCommand(open: OpenServices = openServices, options: ChangesCommandOptions = {}): CliCommand {
  const now = options.now ?? Date.now;
  return {
    path: ['changes'],
    summary: 'Print the mirrored change history (all matching rows, streamed)',
    usage,
    options: { ...CHANGE_FILTER_OPTIONS, limit: VALUE, json: FLAG, csv: FLAG, ndjson: FLAG, bom: FLAG },
    async run(args, io) {
      const format = outputFormat(args);
      const limit = positiveInteger(args, 'limit');
      const app = await open(io, { readonly: true });
      try {
        const { changes, instances } = app.services;
        const lookup = instanceLookup(await instances.list({ includeRemoved: true }));
        const filter = changeFilter(args, lookup, now());
        const writer = format === 'table' ? new TableWriter(io, lookup) : new RecordWriter(io, lookup, format, flag(args, 'bom'));
        let count = 0;
        for await (const row of oldestFirst(changes, filter, limit)) {
          if (count % BATCH_SIZE === 0 && io.interrupted.aborted) {
            writer.flush();
            throw new OcmError('cancelled', 'Interrupted.');
          }
          writer.write(row);
          count++;
        }
        writer.end(count);
        return 0;
      } finally {
        await app.close();
      }
    },
  };
}

/**
 * Every row matching `filter`, oldest first, read through the timeline contract one keyset page at a
 * time (constant memory for millions of rows). With `last`, only the newest `last` rows: a first walk
 * back finds where they start, then they are read forwards. Rows arriving meanwhile are included.
 */
export async function* oldestFirst(changes: IChangeService, filter: ChangeFilter, last?: number): AsyncGenerator<ChangeRow> {
  let cursor: TimelineCursor | undefined;
  if (last !== undefined) {
    // Walk back `last` rows; the cursor of the row just before them is where reading forwards starts.
    let seen = 0;
    let back: TimelineCursor | undefined;
    for (;;) {
      const page = await changes.timeline({ filter, limit: Math.min(BATCH_SIZE, last + 1 - seen), cursor: back, direction: 'older' });
      seen += page.rows.length;
      if (seen > last) {
        const boundary = page.rows[page.rows.length - 1];
        cursor = { timestamp: boundary.timestamp, key: boundary.key };
        break;
      }
      if (!page.older) break;
      back = page.older;
    }
  }
  for (;;) {
    const page = await changes.timeline({ filter, limit: BATCH_SIZE, cursor, direction: 'newer' });
    for (let index = page.rows.length - 1; index >= 0; index--) yield page.rows[index];
    if (!page.newer) return;
    cursor = page.newer;
  }
}

/** `ocm changes` over the mirror in $OCM_HOME (read-only). */
export const changesCommand: CliCommand = createChangesCommand();

type Format = 'table' | 'json' | 'csv' | 'ndjson';

function outputFormat(args: ParsedArgs): Format {
  const chosen = (['json', 'csv', 'ndjson'] as const).filter((name) => flag(args, name));
  if (chosen.length > 1) usageError(`Choose one output format, not ${chosen.map((name) => `--${name}`).join(' and ')}.`, usage);
  return chosen[0] ?? 'table';
}

/** Reads `--name N` as a whole number ≥ 1, or undefined when absent. */
export function positiveInteger(args: ParsedArgs, name: string): number | undefined {
  if (!args.options.has(name)) return undefined;
  const text = option(args, name);
  const value = Number(text);
  if (text === undefined || !Number.isSafeInteger(value) || value < 1) usageError(`--${name} needs a whole number of at least 1.`, usage);
  return value;
}

/** Splits a comma-separated option into its values (empty parts dropped). */
export function listOption(args: ParsedArgs, name: string): string[] | undefined {
  if (!args.options.has(name)) return undefined;
  const text = option(args, name);
  if (text === undefined) usageError(`--${name} needs a value.`, usage);
  const values = text.split(',').map((value) => value.trim()).filter((value) => value.length > 0);
  return values.length ? values : undefined;
}

/** Resolves `--instance` names: the whole value first (names may contain commas), then each comma part. */
export function instanceOption(args: ParsedArgs, lookup: InstanceLookup): string[] | undefined {
  const text = option(args, 'instance');
  if (text === undefined) {
    if (args.options.has('instance')) usageError('--instance needs a name.', usage);
    return undefined;
  }
  const whole = lookup.idOf(text.trim());
  if (whole !== undefined) return [whole];
  return listOption(args, 'instance')?.map((name) => {
    const id = lookup.idOf(name);
    if (id === undefined) {
      throw new OcmError('invalid-input', `There is no instance named "${name}".`, { hint: '`ocm instance list` shows the names.' });
    }
    return id;
  });
}

const AGE = /^(\d+)\s*(s|m|h|d|w)$/i;
const AGE_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** `--since`/`--until`: an age such as `1h` (before `now`) or an ISO time; returned as ISO UTC. */
export function timeOption(args: ParsedArgs, name: string, now: number): string | undefined {
  if (!args.options.has(name)) return undefined;
  const text = option(args, name)?.trim();
  if (!text) usageError(`--${name} needs a time, e.g. 1h or 2026-11-30T09:00:00Z.`, usage);
  const age = AGE.exec(text);
  if (age) return new Date(now - Number(age[1]) * AGE_SECONDS[age[2].toLowerCase()] * 1000).toISOString();
  return text; // validated (and rejected with a clear message) by the query's filter
}

/** The filter the options describe. */
export function changeFilter(args: ParsedArgs, lookup: InstanceLookup, now: number): ChangeFilter {
  if (flag(args, 'removed') && flag(args, 'present')) usageError('Use --removed or --present, not both.', usage);
  const filter: ChangeFilter = {
    instanceIds: instanceOption(args, lookup),
    models: listOption(args, 'model'),
    events: listOption(args, 'event') as ChangeEvent[] | undefined,
    from: timeOption(args, 'since', now),
    to: timeOption(args, 'until', now),
    text: option(args, 'text'),
    users: option(args, 'user') === undefined ? undefined : [option(args, 'user')!],
    changedField: option(args, 'field'),
    value: option(args, 'value') === undefined ? undefined : { text: option(args, 'value')! },
    presence: flag(args, 'removed') ? 'removed' : flag(args, 'present') ? 'present' : 'all',
  };
  if (args.options.has('record-id')) {
    const recordId = Number(option(args, 'record-id'));
    if (!Number.isSafeInteger(recordId)) usageError('--record-id needs a whole number.', usage);
    filter.recordId = recordId;
  }
  return filter;
}

/** `YYYY-MM-DD HH:MM:SS` in the machine's time zone. */
export function localTime(iso: string): string {
  const date = new Date(iso);
  const two = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/** One CSV record without its line break (lines are joined by the output buffer). */
function csvRecord(cells: readonly CsvValue[]): string {
  return cells.map(csvCell).join(',');
}

interface RowWriter {
  write(row: ChangeRow): void;
  flush(): void;
  end(count: number): void;
}

/** Buffers lines and hands them to `io.out` a batch at a time (each `out` call is one block of lines). */
class LineBuffer {
  private lines: string[] = [];
  constructor(private readonly io: CliIo) {}
  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length >= BATCH_SIZE) this.flush();
  }
  flush(): void {
    if (this.lines.length) this.io.out(this.lines.join('\n'));
    this.lines = [];
  }
}

/** JSON array, NDJSON or CSV: one record per row, instance name included. */
class RecordWriter implements RowWriter {
  private readonly buffer: LineBuffer;
  private pending: string | undefined;
  constructor(io: CliIo, private readonly lookup: InstanceLookup, private readonly format: 'json' | 'csv' | 'ndjson', bom: boolean) {
    this.buffer = new LineBuffer(io);
    if (format === 'json') this.buffer.push('[');
    if (format === 'csv') this.buffer.push((bom ? '\uFEFF' : '') + csvRecord(CHANGE_EXPORT_COLUMNS));
  }
  write(row: ChangeRow): void {
    const instanceName = this.lookup.nameOf(row.instanceId);
    if (this.format === 'csv') {
      this.buffer.push(csvRecord(changeCells(row, instanceName)));
      return;
    }
    const text = JSON.stringify({ ...row, instanceName });
    if (this.format === 'ndjson') {
      this.buffer.push(text);
      return;
    }
    // A JSON array streamed one element per line: each line gets its comma once the next one arrives.
    if (this.pending !== undefined) this.buffer.push(`  ${this.pending},`);
    this.pending = text;
  }
  flush(): void {
    this.buffer.flush();
  }
  end(): void {
    if (this.format === 'json') {
      if (this.pending !== undefined) this.buffer.push(`  ${this.pending}`);
      this.buffer.push(']');
    }
    this.buffer.flush();
  }
}

const TABLE_HEADER = ['INSTANCE', 'TIME', 'MODEL', 'RECORD', 'EVENT', 'SERVER'];

/** The aligned table; widths come from the first rows so output starts before the query ends. */
class TableWriter implements RowWriter {
  private readonly buffer: LineBuffer;
  private sample: string[][] | undefined = [];
  private widths: number[] = [];
  constructor(io: CliIo, private readonly lookup: InstanceLookup) {
    this.buffer = new LineBuffer(io);
  }
  write(row: ChangeRow): void {
    const cells = [
      this.lookup.nameOf(row.instanceId),
      localTime(row.timestamp),
      row.model,
      String(row.recordId),
      row.event,
      row.removedAt ? `removed on server ${localTime(row.removedAt)}${row.removedBy === 'user' ? ' (by you)' : ''}` : '',
    ];
    if (this.sample) {
      this.sample.push(cells);
      if (this.sample.length >= WIDTH_SAMPLE) this.startStreaming();
    } else {
      this.buffer.push(this.format(cells));
    }
  }
  private startStreaming(): void {
    const rows = this.sample ?? [];
    this.sample = undefined;
    this.widths = columnWidths(TABLE_HEADER, rows);
    this.buffer.push(this.format(TABLE_HEADER));
    for (const cells of rows) this.buffer.push(this.format(cells));
  }
  private format(cells: readonly string[]): string {
    return alignRow(cells, this.widths, [3]); // record ids read best right-aligned
  }
  flush(): void {
    if (this.sample) this.startStreaming();
    this.buffer.flush();
  }
  end(count: number): void {
    if (count === 0) {
      this.sample = undefined;
      this.buffer.push('No changes match.');
    }
    this.flush();
  }
}
