// Exact distinct counts, computed the cheaper of two exact ways. On 10M rows (2-core machine, one thread each):
// `n_unique` costs ~300–1,000 ms whatever the cardinality; `unique_counts().count()` costs 80–200 ms below ~300k
// distinct values but 4.7 s at 10M distinct. A random sample of an in-memory frame tells the two cases apart.
import pl from "nodejs-polars";

/** Rows drawn (with replacement) to estimate a column's cardinality. */
const SAMPLE_ROWS = 100_000;
/**
 * Below this share of distinct values in the sample, the column has at most ~200k distinct values
 * (a sample of m rows from D values holds D·(1 − e^(−m/D)) of them), where `unique_counts` wins.
 */
const LOW_CARDINALITY_SHARE = 0.8;
/** Frames smaller than this use `n_unique` without sampling: either way takes milliseconds. */
export const MIN_ROWS_TO_SAMPLE = 1_000_000;

/** How a column's distinct count is computed (see distinctCount). */
export type DistinctMethod = "changes" | "sort" | "unique-counts" | "n-unique" | "hashed";

/**
 * The distinct count of `expr` (nulls count as one value), as one aggregate:
 * - `changes`: a column known to be sorted and free of nulls is counted by its value changes (one vectorised
 *   comparison, ~20 ms on 10M rows) instead of hashing;
 * - `sort`: counted from `sorted`, a sorted copy of the column (nulls first), best computed once in the query:
 *   non-null values + 1 for nulls − values equal to the one before. As costly as `n_unique` on 10M integers
 *   (~550 ms of CPU), but the same copy gives a duplicate check its repeated values (see `repeatedValues`);
 * - `unique-counts` / `n-unique`: exact, the cheaper of the two by cardinality;
 * - `hashed`: the distinct 64-bit hashes of the values. Exact unless two different values share a hash (odds about
 *   D²/2⁶⁵ for D distinct values), and then it undercounts. On 10M unsorted strings it costs ~0.3 s of CPU where an
 *   exact count costs 0.3–1 s (`unique_counts`, by how the values are ordered) to 1.6–2.4 s (`n_unique`).
 */
export function distinctCount(expr: pl.Expr, method: DistinctMethod, sorted: pl.Expr = expr.sort(), few = false): pl.Expr {
  if (method === "changes") return expr.neq(expr.shift(1)).sum().add(1);
  if (method === "sort") return expr.count().add(expr.nullCount().gt(0).cast(pl.UInt32)).sub(repeatsOfSorted(sorted));
  if (method === "hashed") return hashCount(valueHash(expr), few);
  return method === "unique-counts" ? expr.uniqueCounts().count() : expr.nUnique();
}

/** The distinct count of 64-bit hashes: few are counted faster by grouping (~100 ms instead of ~150 ms of CPU on 10M rows). */
export function hashCount(hashes: pl.Expr, few: boolean): pl.Expr {
  return few ? hashes.uniqueCounts().count() : hashes.nUnique();
}

/** The 64-bit hashes a `hashed` distinct count is taken over (a unique-together key hash shares them, see plan.ts). */
export function valueHash(expr: pl.Expr): pl.Expr {
  return expr.hash(0x6f72, 0x6368, 0x6469, 0x7374);
}

/** In a sorted column (nulls first), the non-null values equal to the one before: rows − distinct values, nulls aside. */
export function repeatsOfSorted(sorted: pl.Expr): pl.Expr {
  return sorted.eq(sorted.shift(1)).sum();
}

/**
 * The non-null values occurring more than once in a sorted column, as one list aggregate: a vectorised comparison
 * and a filter, where finding them in an unsorted column costs a sort (see validate.ts).
 */
export function repeatedValues(sorted: pl.Expr): pl.Expr {
  return sorted.filter(sorted.eq(sorted.shift(1))).unique().implode();
}

/** String columns are the ones whose exact distinct count is slow enough to be worth hashing first. */
export const HASHED_VARIANTS = new Set(["String", "Utf8"]);

/** Column types whose values compare in order, so sortedness can be tested with `>=`. */
const ORDERED_VARIANTS = new Set(["Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "Float32", "Float64", "Date", "Datetime", "Duration", "String", "Utf8"]);

/** Rows tested first for sortedness: most unsorted columns show it there, and only the others are tested in full. */
const SORTED_PREFIX_ROWS = 10_000;

/**
 * The columns of an in-memory frame that are sorted ascending and hold no nulls (ids and timestamps often are),
 * from one query of cheap aggregates over the columns sorted in the frame's first rows (testing 10M strings costs
 * ~100 ms of CPU a column). Frames under `minRows` rows are not checked.
 */
export async function sortedColumns(df: pl.DataFrame, columns: readonly string[], minRows = MIN_ROWS_TO_SAMPLE): Promise<Set<string>> {
  const ordered = columns.filter((c) => ORDERED_VARIANTS.has(df.schema[c]?.variant ?? ""));
  if (df.height < minRows || ordered.length === 0) return new Set();
  const sortedIn = async (frame: pl.DataFrame, names: readonly string[]) => {
    const exprs = names.flatMap((c, i) => [pl.col(c).gtEq(pl.col(c).shift(1)).all().alias(`s${i}`), pl.col(c).nullCount().alias(`n${i}`)]);
    const row = (await frame.lazy().select(exprs).collect()).toRecords()[0] ?? {};
    return names.filter((_, i) => row[`s${i}`] === true && Number(row[`n${i}`]) === 0);
  };
  const likely = await sortedIn(df.head(SORTED_PREFIX_ROWS), ordered);
  return new Set(likely.length ? await sortedIn(df, likely) : []);
}

/**
 * The columns of an in-memory frame that are likely to have few distinct values, from one query over a random
 * sample of `SAMPLE_ROWS` rows per column. Frames under `minRows` rows are not sampled.
 */
export async function lowCardinalityColumns(df: pl.DataFrame, columns: readonly string[], minRows = MIN_ROWS_TO_SAMPLE): Promise<Set<string>> {
  if (df.height < minRows || columns.length === 0) return new Set();
  const rows = Math.min(SAMPLE_ROWS, df.height);
  const exprs = columns.map((c, i) => pl.col(c).sample(rows, undefined, true, 0x5eed + i).nUnique().alias(c));
  const counts = (await df.lazy().select(exprs).collect()).toRecords()[0] ?? {};
  return new Set(columns.filter((c) => Number(counts[c]) < rows * LOW_CARDINALITY_SHARE));
}
