// Validation in one pass: every row check and the examples of plain checks are aggregates of a single lazy
// `select`, with the column statistics (for an in-memory frame, all but the costly distinct counts, which are a
// second query run only when no error-severity check failed). Only duplicate checks that fail need further
// queries (examples, exact recounts).
// In-memory frames also get a cheap sampling query first (see distinct.ts), and unique-together checks wait for
// the pass's distinct counts only when a key column might be all-distinct: then the answer is known without
// hashing every row.
import pl from "nodejs-polars";
import type { Severity } from "@orch/core";
import { dtypeLabel } from "./dtypes.ts";
import type { FrameSchema } from "./frame.ts";
import { HASHED_VARIANTS, lowCardinalityColumns, MIN_ROWS_TO_SAMPLE, sortedColumns } from "./distinct.ts";
import { isArrowTable, isPolarsDataFrame, isPolarsLazyFrame, type FrameLike } from "./frame-like.ts";
import { polarsToTable, tableToPolars } from "./ipc.ts";
import { boundExprs, buildPlan, presenceExprs, statExprs, type Plan, type RowCheck, type StatColumn, type StatsMode } from "./plan.ts";

export interface CheckOutcome {
  /** The column checked, or null for frame-level checks. */
  readonly column: string | null;
  readonly check: string;
  readonly severity: Severity;
  readonly passed: boolean;
  /** Rows failing the check; null for checks not counted in rows (dtype, extra columns, row count). */
  readonly failingRows: number | null;
  /** Up to `sampleSize` failing values (or rows, for frame-level checks). */
  readonly examples: readonly unknown[];
  readonly detail?: string;
}

export interface ColumnStats {
  readonly dtype: string;
  readonly nullCount: number;
  readonly min?: unknown;
  readonly max?: unknown;
  readonly distinctCount?: number;
  /**
   * Present (true) when `distinctCount` was taken over 64-bit hashes of the values (unsorted string columns of
   * in-memory frames of 1M+ rows): exact unless two different values share a hash, and then lower. Checks never
   * rely on it: a check counted from it is recounted exactly when it fails.
   */
  readonly distinctCountHashed?: true;
}

export interface ValidationReport {
  readonly schema: string;
  readonly rows: number;
  readonly passed: boolean;
  /** The severity of the failure: `error` when any failing check is an error, else `warn`. Absent when passed. */
  readonly severity?: Severity;
  readonly outcomes: readonly CheckOutcome[];
  /** Statistics per declared column present; empty when `statsSkipped` or in stats mode `none`. */
  readonly columns: Readonly<Record<string, ColumnStats>>;
  /**
   * Present (true) when an error-severity check failed: such a frame is never stored, so its column statistics are
   * not computed (`columns` is empty). Warnings alone do not skip them.
   */
  readonly statsSkipped?: true;
  /** The frame with columns cast to their declared dtypes, when coercion changed anything and lost nothing. */
  readonly coerced?: FrameLike;
}

export interface ValidateOptions {
  /** How many failing values to report per check. Default 10. */
  readonly sampleSize?: number;
  /** Column statistics to compute; overrides the schema's `stats` option. Default `full`. */
  readonly stats?: StatsMode;
}

export async function validate(schema: FrameSchema, value: FrameLike, options: ValidateOptions = {}): Promise<ValidationReport> {
  const sampleSize = options.sampleSize ?? 10;
  const statsMode = options.stats ?? schema.options.stats ?? "full";
  // An in-memory frame (an Arrow Table is converted once) can be queried again cheaply; a LazyFrame would rerun
  // its whole upstream query, so it gets exactly one pass.
  const df = isPolarsDataFrame(value) ? value : isArrowTable(value) ? tableToPolars(value) : undefined;
  const lazy = df ? df.lazy() : (value as pl.LazyDataFrame);
  const actual = df ? df.schema : (await lazy.head(0).collect()).schema;
  const keyColumns = new Set(df ? (schema.options.uniqueTogether ?? []).flat() : []);
  const candidates = distinctCandidates(schema, actual, statsMode, keyColumns);
  const [lowCardinality, sorted] = df ? await Promise.all([lowCardinalityColumns(df, candidates), sortedColumns(df, candidates)]) : [new Set<string>(), new Set<string>()];
  // A key column with few distinct values cannot settle unique-together; one with many might, for one n_unique.
  const distinctWanted = new Set([...keyColumns].filter((k) => !lowCardinality.has(k)));
  const hashed = new Set(df && df.height >= MIN_ROWS_TO_SAMPLE ? candidates.filter((c) => HASHED_VARIANTS.has(actual[c]!.variant) && !sorted.has(c)) : []);
  const plan = buildPlan(schema, actual, { stats: statsMode, lowCardinality, distinctWanted, sorted, hashed });

  // Unique-together waits for the distinct counts only when a key column might settle it (might be all-distinct);
  // otherwise its hash count runs in this pass, beside everything else.
  const deferred = new Set(plan.rowChecks.flatMap((c, i) => (c.deferred ? [i] : [])));
  // Examples of plain checks are taken in the same pass (Polars computes each mask once for its count and its
  // examples): a failing frame then needs no second pass over those checks.
  const inPass = new Set(plan.rowChecks.flatMap((c, i) => (!c.count && !c.repeats && c.name !== "not null" ? [i] : [])));
  const aggregates: pl.Expr[] = [pl.len().alias("__rows")];
  // Duplicate checks on unsorted values count from sorted copies made once before the aggregates; the same copies
  // give their repeated values (lists, a few values when the check passes narrowly or fails), so a failure's
  // examples and exact counts are then one filter on those values, without sorting again.
  const sortedCopies: pl.Expr[] = [];
  // The failing-row masks of checks summed in the pass are columns of the same stage as the sorted copies: Polars
  // evaluates one stage's expressions side by side, so a single-threaded mask (a regex over 10M strings, ~250 ms)
  // runs while the sorts run, instead of after them; the aggregates then only sum and filter.
  const masks: pl.Expr[] = [];
  plan.rowChecks.forEach((check, i) => {
    const counted = !deferred.has(i) && !check.count;
    if (counted) masks.push(check.failing.alias(`__orch_mask${i}`));
    const mask = counted ? pl.col(`__orch_mask${i}`) : check.failing;
    if (!deferred.has(i)) aggregates.push((check.count ?? mask.sum()).alias(`__fail${i}`));
    if (inPass.has(i)) aggregates.push(sampleOf(check, i, sampleSize, mask));
    if (check.sortedCopy) sortedCopies.push(check.sortedCopy);
    if (check.repeated) aggregates.push(check.repeated.alias(`__repeatedCheck${i}`));
  });
  // An in-memory frame's costly statistics (distinct counts that hash a column of many values) wait for a second
  // query, run only when no error-severity check failed: such a frame is never stored. The others are aggregates of
  // this pass, where they keep the second core busy beside the pass's longest sort or mask; the first pass also keeps
  // the distinct counts that can settle unique-together. A LazyFrame gets one pass, with all its statistics.
  const statsLater = !!df && statsMode !== "none";
  // Distinct counts a check is counted from (`unique`) stay in the first pass too, where Polars computes them once.
  const settling = new Set([...deferred].flatMap((i) => plan.rowChecks[i]!.keys!.filter((k) => distinctWanted.has(k))));
  const checked = (name: string) => settling.has(name) || schema.columns[name]!.spec.checks.some((c) => c.count);
  plan.stats.forEach((stat, i) => {
    if (!statsLater) aggregates.push(...statExprs(stat, i, statsMode));
    else {
      const distinctNow = checked(stat.name) || !!stat.hashCopy || (statsMode === "full" && !stat.distinctCostly && !stat.allowed);
      if (stat.distinct && distinctNow) aggregates.push(stat.distinct.alias(`__distinct${i}`));
      // A string column with a few allowed values: which of them occur, its statistics if its `isin` passes.
      aggregates.push(stat.expr.nullCount().alias(`__null${i}`), ...(stat.allowed ? presenceExprs(stat, i) : boundExprs(stat, i)));
    }
    // A sorted copy's distinct count is always in this pass (a counted check needs it).
    if (stat.sortedCopy) sortedCopies.push(stat.sortedCopy);
    const repeatsChecked = schema.columns[stat.name]!.spec.checks.some((c) => c.repeats);
    if (stat.repeated && (repeatsChecked || settling.has(stat.name))) aggregates.push(stat.repeated.alias(`__repeated${i}`));
  });
  // A hashed key column's hashes are made first, for both its distinct count and the key hash sorted above.
  const hashCopies = plan.stats.flatMap((s) => (s.hashCopy ? [s.hashCopy] : []));
  const hashedLazy = hashCopies.length ? lazy.withColumns(...hashCopies) : lazy;
  const stage = [...sortedCopies, ...masks];
  const pass = await (stage.length ? hashedLazy.withColumns(...stage) : hashedLazy).select(aggregates).collect();
  // The lists of repeated values stay Series (their dtype kept for `is_in`), never JS arrays.
  const lists = pass.columns.filter((c) => c.startsWith("__repeated"));
  const totals: Record<string, unknown> = (lists.length ? pass.drop(lists) : pass).toRecords()[0] ?? {};
  const repeated = new Map(lists.map((c) => [c, pass.getColumn(c).explode().dropNulls()]));
  const rows = Number(totals.__rows ?? 0);

  const failing = plan.rowChecks.map((_, i) => Number(totals[`__fail${i}`] ?? 0));
  const known = new Map<number, unknown[]>([...inPass].map((i) => [i, toArray(totals[`__sample${i}`])]));
  // Settling unique-together and fetching the other failures' examples are independent queries: run them at once.
  const [, samples] = await Promise.all([
    settleUniqueTogether(lazy, plan, deferred, totals, rows, failing, sampleSize, known, repeated),
    sampleFailures(lazy, plan, failing, sampleSize, known, deferred, repeated),
  ]);
  for (const [i, exact] of samples.exactCounts) failing[i] = exact;
  for (const i of deferred) if (failing[i]! > 0) samples.examples.set(i, known.get(i) ?? []);

  const outcomes: CheckOutcome[] = plan.structural.map((s) => ({
    column: s.column, check: s.name, severity: s.severity, passed: s.passed, failingRows: null, examples: [],
    ...(s.detail ? { detail: s.detail } : {}),
  }));
  plan.rowChecks.forEach((check, i) => {
    outcomes.push({ column: check.column, check: check.name, severity: check.severity, passed: failing[i] === 0, failingRows: failing[i]!, examples: samples.examples.get(i) ?? [] });
  });
  const bounds = schema.options.rows;
  if (bounds) {
    const ok = (bounds.min === undefined || rows >= bounds.min) && (bounds.max === undefined || rows <= bounds.max);
    outcomes.push({
      column: null, check: `row count ${bounds.min ?? 0}..${bounds.max ?? "∞"}`, severity: schema.options.severity ?? "error",
      passed: ok, failingRows: null, examples: [], ...(ok ? {} : { detail: `found ${rows} rows` }),
    });
  }

  const failed = outcomes.filter((o) => !o.passed);
  const errorFailed = failed.some((o) => o.severity === "error");
  const exactlyCounted = new Set<number>();
  if (statsLater && !errorFailed) Object.assign(totals, await statistics(lazy, plan, statsMode, totals, failing, exactlyCounted));
  const columns: Record<string, ColumnStats> = {};
  if (statsMode !== "none" && !errorFailed) {
    plan.stats.forEach((stat, i) => {
      columns[stat.name] = {
        dtype: dtypeLabel(stat.dtype),
        nullCount: Number(totals[`__null${i}`] ?? 0),
        ...(`__min${i}` in totals ? { min: totals[`__min${i}`], max: totals[`__max${i}`] } : {}),
        ...(statsMode === "full" && `__distinct${i}` in totals
          ? { distinctCount: Number(totals[`__distinct${i}`]), ...(stat.distinctHashed && !exactlyCounted.has(i) ? { distinctCountHashed: true as const } : {}) }
          : {}),
      };
    });
  }

  const passed = failed.length === 0;
  const severity: Severity | undefined = passed ? undefined : errorFailed ? "error" : "warn";
  const castLost = plan.rowChecks.some((c, i) => c.name.startsWith("cast ") && failing[i]! > 0);
  const coerced = plan.casts.length && !castLost ? recast(value, lazy, plan.casts) : undefined;
  return {
    schema: schema.name, rows, passed, outcomes, columns, ...(severity ? { severity } : {}),
    ...(errorFailed && statsMode !== "none" ? { statsSkipped: true as const } : {}), ...(coerced ? { coerced: await coerced } : {}),
  };
}

/**
 * The column statistics not already in `totals` (taken in the first pass), as one query: the costly distinct counts,
 * and the statistics of a string column whose `isin` of a few values failed. When that `isin` passed, the column's
 * values are among the allowed ones, so its distinct count, min and max come from which of them occur (on 10M rows,
 * ~30 ms instead of ~290 ms of hashing and comparing every row); such distinct counts are exact: their indices are
 * added to `exact`.
 */
async function statistics(
  lazy: pl.LazyDataFrame, plan: Plan, mode: StatsMode, totals: Record<string, unknown>, failing: readonly number[], exact: Set<number>,
): Promise<Record<string, unknown>> {
  const byPresence = (stat: StatColumn) => !!stat.allowed && failing[stat.allowed.check] === 0;
  const exprs = plan.stats.flatMap((stat, i) => [
    ...(mode === "full" && stat.distinct && !(`__distinct${i}` in totals) && !byPresence(stat) ? [stat.distinct.alias(`__distinct${i}`)] : []),
    ...(stat.allowed && !byPresence(stat) ? boundExprs(stat, i) : []),
  ]);
  const values: Record<string, unknown> = exprs.length ? ((await lazy.select(exprs).collect()).toRecords()[0] ?? {}) : {};
  plan.stats.forEach((stat, i) => {
    if (!byPresence(stat)) return;
    const present = stat.allowed!.values.filter((_, k) => totals[`__present${i}_${k}`] === true);
    // Polars orders the values as it orders the column's (by UTF-8 bytes, which JS string comparison does not).
    const bounds = pl.DataFrame({ v: pl.Series("v", present, pl.Utf8) }).select(pl.col("v").min().alias("min"), pl.col("v").max().alias("max")).toRecords()[0] as Record<string, unknown> | undefined;
    Object.assign(values, { [`__min${i}`]: bounds?.min ?? null, [`__max${i}`]: bounds?.max ?? null });
    if (mode === "full" && stat.distinct && !(`__distinct${i}` in totals)) {
      values[`__distinct${i}`] = present.length + (Number(totals[`__null${i}`]) > 0 ? 1 : 0);
      exact.add(i);
    }
  });
  return values;
}

/** Declared columns present in the frame whose distinct count this validation computes. */
function distinctCandidates(schema: FrameSchema, actual: Record<string, pl.DataType>, mode: StatsMode, keys: ReadonlySet<string>): string[] {
  return Object.entries(schema.columns)
    .filter(([name, c]) => name in actual && c.spec.dtype.kind !== "list" && c.spec.dtype.kind !== "struct")
    .filter(([name]) => !["List", "Struct"].includes(actual[name]!.variant))
    .filter(([name, c]) => mode === "full" || keys.has(name) || c.spec.checks.some((k) => k.count))
    .map(([name]) => name);
}

/** A key column may narrow unique-together to the rows holding its repeated values when at most this share of rows repeats one. */
const NARROWING_SHARE = 0.05;

/**
 * Unique-together counts left out of phase one: zero when a key column's distinct count (nulls count as one value)
 * equals the row count, as every row then differs in that column. Otherwise they are counted exactly (with their
 * examples) on the rows that can repeat a key: those holding a repeated value (or a null) of the key column with the
 * most distinct values, when the pass listed its repeated values and they are few; else those whose key hash
 * repeats, found by sorting the hashes. One query whether or not it fails.
 */
async function settleUniqueTogether(
  lazy: pl.LazyDataFrame,
  plan: Plan,
  deferred: Set<number>,
  totals: Record<string, unknown>,
  rows: number,
  failing: number[],
  size: number,
  known: Map<number, unknown[]>,
  repeated: ReadonlyMap<string, pl.Series>,
) {
  const distinctOf = (column: string) => {
    const i = plan.stats.findIndex((s) => s.name === column);
    return i >= 0 && `__distinct${i}` in totals ? Number(totals[`__distinct${i}`]) : undefined;
  };
  const pending = [...deferred].filter((i) => !plan.rowChecks[i]!.keys!.some((k) => distinctOf(k) === rows));
  for (const i of deferred) failing[i] = 0;
  await Promise.all(
    pending.map(async (i) => {
      const check = plan.rowChecks[i]!;
      const exprs = [sampleOf(check, i, size), check.failing.sum().alias("__exact")];
      const narrowing = check.keys!
        .map((k) => ({ stat: plan.stats.findIndex((s) => s.name === k), distinct: distinctOf(k) ?? 0 }))
        .filter(({ stat, distinct }) => repeated.has(`__repeated${stat}`) && rows - distinct <= rows * NARROWING_SHARE)
        .sort((a, b) => b.distinct - a.distinct)[0];
      const row = narrowing
        ? await onRepeatedValues(lazy, plan.stats[narrowing.stat]!.expr, exprs, repeated.get(`__repeated${narrowing.stat}`), true)
        : await onRepeatedValues(lazy, check.repeats!, exprs);
      failing[i] = Number(row.__exact ?? 0);
      known.set(i, toArray(row[`__sample${i}`]));
    }),
  );
}

/** Up to `size` values shown for the rows failing `check` (true in `failing`, by default the check's own mask), as one aggregate. */
function sampleOf(check: RowCheck, i: number, size: number, failing = check.failing): pl.Expr {
  return check.sample.filter(failing).head(size).implode().alias(`__sample${i}`);
}

/**
 * Examples for failing checks other than `skip` (the unique-together checks being settled): `known` holds those
 * already taken in the first pass; the others need further queries (run concurrently): examples and exact counts of duplicate
 * checks, on the rows whose value repeats (listed by the first pass when it sorted them, in `repeated`).
 */
async function sampleFailures(
  lazy: pl.LazyDataFrame,
  plan: Plan,
  failing: number[],
  size: number,
  known: ReadonlyMap<number, unknown[]>,
  skip: ReadonlySet<number>,
  repeated: ReadonlyMap<string, pl.Series>,
) {
  const checks = plan.rowChecks;
  const listed = (c: RowCheck, i: number) => repeated.get(`__repeatedCheck${i}`) ?? repeated.get(`__repeated${plan.stats.findIndex((s) => s.name === c.column)}`);
  const wanted = checks.map((c, i) => ({ c, i })).filter(({ c, i }) => !skip.has(i) && failing[i]! > 0 && c.name !== "not null");
  const examples = new Map<number, unknown[]>();
  const exactCounts = new Map<number, number>();
  for (const { i } of wanted.filter(({ i }) => known.has(i))) examples.set(i, known.get(i)!);
  const queries = wanted.filter(({ i }) => !known.has(i)).map(async ({ c, i }) => {
    const exprs = [sampleOf(c, i, size), ...(c.approximate ? [c.failing.sum().alias("__exact")] : [])];
    const row = c.repeats ? await onRepeatedValues(lazy, c.repeats, exprs, listed(c, i)) : ((await lazy.select(exprs).collect()).toRecords()[0] ?? {});
    examples.set(i, toArray(row[`__sample${i}`]));
    if (c.approximate) exactCounts.set(i, Number(row.__exact ?? 0));
  });
  await Promise.all(queries);
  return { examples, exactCounts };
}

/**
 * Evaluates `exprs` on the rows whose `value` occurs more than once (and, `withNulls`, the rows where it is null),
 * in their original order. Duplicate checks (is_first_distinct over a column or a struct of key columns) give the
 * same answer there as on the whole frame, as long as every row sharing a key with another is kept. The repeated
 * values are `known` (from the first pass) or found by sorting, several times cheaper than is_duplicated /
 * is_first_distinct on 10M rows (e.g. ~6 s → ~1 s of CPU for a row hash).
 */
async function onRepeatedValues(lazy: pl.LazyDataFrame, value: pl.Expr, exprs: pl.Expr[], known?: pl.Series, withNulls = false): Promise<Record<string, unknown>> {
  const sorted = lazy.select(value.sort().alias("__v"));
  const repeated = known ?? (await sorted.filter(pl.col("__v").eq(pl.col("__v").shift(1))).unique().collect()).getColumn("__v");
  const rows = withNulls ? value.isIn(pl.lit(repeated)).or(value.isNull()) : value.isIn(pl.lit(repeated));
  return (await lazy.filter(rows).select(exprs).collect()).toRecords()[0] ?? {};
}

function toArray(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value && typeof value === "object" && Symbol.iterator in value) return [...(value as Iterable<unknown>)];
  return value === undefined || value === null ? [] : [value];
}

/** The coerced frame, as the same kind of value that came in. */
async function recast(value: FrameLike, lazy: pl.LazyDataFrame, casts: pl.Expr[]): Promise<FrameLike> {
  const cast = lazy.withColumns(...casts);
  if (isPolarsLazyFrame(value)) return cast;
  const collected = await cast.collect();
  return isArrowTable(value) ? polarsToTable(collected) : collected;
}
