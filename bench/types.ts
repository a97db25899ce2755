/** What each benchmark suite returns; `bench/run.ts` prints the tables and writes `--json FILE`. */
export interface BenchTable {
  /** e.g. '(a) Initial mirror of 300,000 rows'. */
  title: string;
  columns: string[];
  rows: (string | number)[][];
  /** Targets and whether they were met, e.g. { name: 'ratio >= 0.9', met: true, value: 0.96 }. */
  targets?: { name: string; met: boolean; value: number | string }[];
  notes?: string[];
}

/** Options every suite receives. */
export interface BenchContext {
  /** Smaller data sets for a quick run (`npm run bench -- --quick`), same shape of results. */
  quick: boolean;
  /** A scratch directory for SQLite files, removed afterwards. */
  scratchDir: string;
  log(message: string): void;
}

/** A benchmark suite module exports `run`. */
export type BenchSuite = (context: BenchContext) => Promise<BenchTable[]>;
