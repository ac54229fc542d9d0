// Turns a schema and the frame's actual dtypes into one list of Polars expressions: structural findings decided
// from the dtypes alone, plus row checks and column statistics evaluated together in a single `select`.
import pl from "nodejs-polars";
import type { Severity } from "@orch/core";
import { dtypeLabel, fromPolarsType, isNumeric, isOrderable, isTemporal, polarsTypeLabel, toPolarsType, type DType } from "./dtypes.ts";
import { distinctCount, hashCount, repeatedValues, repeatsOfSorted, valueHash, type DistinctMethod } from "./distinct.ts";
import type { FrameSchema } from "./frame.ts";

/**
 * Which column statistics to compute: `full` (null count, min, max, exact distinct count), `basic` (no distinct
 * count: it is most of the cost on high-cardinality columns) or `none`.
 */
export type StatsMode = "full" | "basic" | "none";

export interface PlanSettings {
  readonly stats: StatsMode;
  /** Columns whose distinct count is cheaper with `unique_counts` (see distinct.ts). */
  readonly lowCardinality: ReadonlySet<string>;
  /** Columns whose distinct count is wanted whatever the stats mode (e.g. to settle unique-together). */
  readonly distinctWanted?: ReadonlySet<string>;
  /** Columns sorted ascending without nulls: their distinct count is a count of value changes (see distinct.ts). */
  readonly sorted?: ReadonlySet<string>;
  /** Columns whose distinct count is taken over 64-bit hashes (see distinct.ts); checks built on it are recounted exactly on failure. */
  readonly hashed?: ReadonlySet<string>;
}

/** A check counted over rows: `failing` is true for failing rows, `sample` is what to show for them. */
export interface RowCheck {
  readonly column: string | null;
  readonly name: string;
  readonly severity: Severity;
  readonly failing: pl.Expr;
  readonly sample: pl.Expr;
  /** The failing-row count as one aggregate; default `failing.sum()`. */
  readonly count?: pl.Expr;
  /** True when `count` may overcount (hash collisions): a failure is recounted exactly with `failing`. */
  readonly approximate?: boolean;
  /** For unique-together checks: the key columns. Rows are unique together when any key column is all-distinct. */
  readonly keys?: readonly string[];
  /**
   * For duplicate checks: a value that repeats on every failing row (the column, or the key hash). Examples and
   * exact counts are then taken from the rows holding a repeated value only (see validate.ts).
   */
  readonly repeats?: pl.Expr;
  /**
   * For unique-together checks counted from a sorted copy of the key hash: that copy (a `withColumns` expression of
   * the pass) and the repeated hashes as one list aggregate, so a failure's examples need no further sort.
   */
  readonly sortedCopy?: pl.Expr;
  readonly repeated?: pl.Expr;
  /** For unique-together checks with a key column that might be all-distinct: counted after the pass (see validate.ts). */
  readonly deferred?: true;
}

/** A check decided from the schema alone (presence, dtype, extra columns, order). */
export interface StructuralOutcome {
  readonly column: string | null;
  readonly name: string;
  readonly severity: Severity;
  readonly passed: boolean;
  readonly detail?: string;
}

export interface StatColumn {
  readonly name: string;
  readonly dtype: DType;
  readonly expr: pl.Expr;
  /** The distinct count, when the stats mode or a check (e.g. `unique`) needs it. */
  readonly distinct?: pl.Expr;
  /** The distinct count is over hashes of the values (exact unless two values collide, see distinct.ts). */
  readonly distinctHashed?: boolean;
  /**
   * The distinct count hashes every row of a column with many distinct values (a hash table as large as the column,
   * ~400 ms of CPU on 10M rows): the statistics that wait for the checks' verdict (see validate.ts).
   */
  readonly distinctCostly?: boolean;
  /** A sorted copy of the column that `distinct` is counted from: a `withColumns` expression of the pass that computes `distinct`. */
  readonly sortedCopy?: pl.Expr;
  /** The non-null values occurring more than once, as one list aggregate, when the column is sorted or has a sorted copy. */
  readonly repeated?: pl.Expr;
  /**
   * The values' 64-bit hashes (`valueHash`) as a `withColumns` expression of the pass, made before the sorted copies:
   * set for a hashed column that a unique-together key hash sorted in the pass also hashes, so the key hash and
   * `distinct` (counted from it, so always in the pass) share one hashing of the strings.
   */
  readonly hashCopy?: pl.Expr;
  /**
   * For a string column with an `isin` of a few values: those values and the index of that row check. When the
   * check passes, the statistics count which values occur (one comparison each) instead of hashing every row.
   */
  readonly allowed?: { readonly values: readonly string[]; readonly check: number };
}

export interface Plan {
  readonly structural: StructuralOutcome[];
  readonly rowChecks: RowCheck[];
  readonly stats: StatColumn[];
  /** Casts to apply when coercing; empty when nothing needs casting. */
  readonly casts: pl.Expr[];
  readonly statsMode: StatsMode;
}

/** Up to this many allowed values, a passing `isin` gives a string column's statistics (see StatColumn.allowed). */
const FEW_ALLOWED = 16;

export function buildPlan(schema: FrameSchema, actual: Record<string, pl.DataType>, settings: PlanSettings): Plan {
  const { options } = schema;
  const severity: Severity = options.severity ?? "error";
  const plan: Plan = { structural: [], rowChecks: [], stats: [], casts: [], statsMode: settings.stats };
  const usable = new Map<string, pl.Expr>(); // declared columns we can run value checks on, maybe cast
  const hashCopies = new Map<string, pl.Expr>(); // hashed key columns of sorted key hashes → their hash column
  const sortedKeys = new Set((options.uniqueTogether ?? []).filter((keys) => !keys.some((k) => settings.distinctWanted?.has(k))).flat());

  // Sorted, low-cardinality and sorted-copy counts are cheap or shared; hashing a column of many values is not.
  const costly = (method: DistinctMethod, name: string) => method === "n-unique" || (method === "hashed" && !settings.lowCardinality.has(name));
  for (const [name, column] of Object.entries(schema.columns)) {
    const { spec } = column;
    const expected = dtypeLabel(spec.dtype);
    const found = actual[name];
    if (!found) {
      if (!spec.optional) plan.structural.push({ column: name, name: `dtype ${expected}`, severity, passed: false, detail: "column is missing" });
      continue;
    }
    const foundLabel = polarsTypeLabel(found);
    let expr = pl.col(name);
    if (foundLabel !== expected) {
      if (!options.coerce) {
        plan.structural.push({ column: name, name: `dtype ${expected}`, severity, passed: false, detail: `found ${foundLabel}` });
        continue;
      }
      expr = pl.col(name).cast(toPolarsType(spec.dtype), false);
      plan.casts.push(expr.alias(name));
      plan.rowChecks.push({ column: name, name: `cast ${foundLabel} → ${expected}`, severity, failing: castLoss(name, found, spec.dtype, expr), sample: displayable(pl.col(name), fromPolarsType(found)) });
    } else {
      plan.structural.push({ column: name, name: `dtype ${expected}`, severity, passed: true });
    }
    usable.set(name, expr);
    const countable = spec.dtype.kind !== "list" && spec.dtype.kind !== "struct";
    const needsDistinct = countable && (settings.stats === "full" || spec.checks.some((c) => c.count) || !!settings.distinctWanted?.has(name));
    const sortedRaw = foundLabel === expected && !!settings.sorted?.has(name); // a cast column may not keep its order
    // A duplicate check on unsorted numbers sorts a copy once: its distinct count and repeated values both come from it.
    const sortable = (isNumeric(spec.dtype) && spec.dtype.kind !== "decimal") || isTemporal(spec.dtype) || spec.dtype.kind === "boolean";
    const byRepeats = sortable && spec.checks.some((c) => c.repeats);
    const method: DistinctMethod = sortedRaw ? "changes" : settings.hashed?.has(name) ? "hashed" : settings.lowCardinality.has(name) ? "unique-counts" : byRepeats ? "sort" : "n-unique";
    const copyName = `__orch_sorted${plan.stats.length}`;
    const sorted = method === "changes" ? expr : method === "sort" ? pl.col(copyName) : undefined;
    const hashName = `__orch_hash${plan.stats.length}`;
    const hashCopy = method === "hashed" && needsDistinct && sortedKeys.has(name) ? valueHash(expr).alias(hashName) : undefined;
    if (hashCopy) hashCopies.set(name, pl.col(hashName));
    const few = settings.lowCardinality.has(name);
    const distinct = !needsDistinct ? pl.lit(null) : hashCopy ? hashCount(pl.col(hashName), few) : distinctCount(expr, method, sorted, few);
    if (!spec.nullable) plan.rowChecks.push({ column: name, name: "not null", severity, failing: pl.col(name).isNull(), sample: pl.lit(null) }); // values a cast nulls are the cast check's
    let allowed: StatColumn["allowed"];
    for (const check of spec.checks) {
      const fewAllowed = check.allowed && check.allowed.length <= FEW_ALLOWED && check.allowed.every((v) => typeof v === "string");
      if (fewAllowed && spec.dtype.kind === "utf8" && !allowed) allowed = { values: check.allowed as string[], check: plan.rowChecks.length };
      plan.rowChecks.push({
        column: name, name: check.name, severity: check.severity ?? severity, failing: check.failing(expr), sample: displayable(expr, spec.dtype),
        // A count from hashed distinct values can only overcount: a failure is recounted exactly.
        ...(check.count ? { count: check.count(expr, distinct), ...(method === "hashed" ? { approximate: true } : {}) } : {}),
        ...(check.repeats ? { repeats: expr } : {}),
      });
    }
    plan.stats.push({
      name, dtype: spec.dtype, expr,
      ...(needsDistinct ? { distinct, ...(method === "hashed" ? { distinctHashed: true } : {}), ...(costly(method, name) ? { distinctCostly: true } : {}) } : {}),
      ...(method === "sort" && needsDistinct ? { sortedCopy: expr.sort().alias(copyName) } : {}), ...(sorted ? { repeated: repeatedValues(sorted) } : {}),
      ...(hashCopy ? { hashCopy } : {}), ...(allowed ? { allowed } : {}),
    });
  }

  addFrameChecks(schema, actual, usable, severity, settings, plan, hashCopies);
  return plan;
}

function addFrameChecks(
  schema: FrameSchema, actual: Record<string, pl.DataType>, usable: Map<string, pl.Expr>, severity: Severity, settings: PlanSettings, plan: Plan,
  hashCopies: ReadonlyMap<string, pl.Expr>,
): void {
  const { options } = schema;
  const declared = Object.keys(schema.columns);
  if (options.strict) {
    const extra = Object.keys(actual).filter((c) => !(c in schema.columns));
    plan.structural.push({ column: null, name: "no extra columns", severity, passed: extra.length === 0, ...(extra.length ? { detail: `extra: ${extra.join(", ")}` } : {}) });
  }
  if (options.ordered) {
    const present = Object.keys(actual).filter((c) => c in schema.columns);
    const expected = declared.filter((c) => c in actual);
    const inOrder = present.join("\u0000") === expected.join("\u0000");
    plan.structural.push({ column: null, name: "column order", severity, passed: inOrder, ...(inOrder ? {} : { detail: `found ${present.join(", ")}` }) });
  }
  for (const keys of options.uniqueTogether ?? []) {
    const name = `unique together (${keys.join(", ")})`;
    const missing = keys.filter((k) => !usable.has(k));
    if (missing.length) {
      plan.structural.push({ column: null, name, severity, passed: false, detail: `cannot check: ${missing.join(", ")} missing or mistyped` });
      continue;
    }
    const exprs = keys.map((k) => usable.get(k)!);
    // A hashed key column is hashed as for its distinct count; in the pass, from the hash column made once for both.
    const hashes = (shared: boolean) => keys.map((k, i) => (hashCopies.has(k) ? (shared ? hashCopies.get(k)! : valueHash(exprs[i]!)) : keyHash(exprs[i]!, i)));
    const hash = combinedHash(hashes(false));
    // Counted from a sorted copy of the key hash (as costly as n_unique of it, and it gives the repeated hashes),
    // unless a key column might be all-distinct: then the pass counts that column's distinct values first.
    const deferred = keys.some((k) => settings.distinctWanted?.has(k));
    const copyName = `__orch_sortedKey${plan.rowChecks.length}`;
    const sorted = pl.col(copyName);
    plan.rowChecks.push({
      column: null, name, severity,
      failing: pl.struct(exprs.map((e, i) => e.alias(keys[i]!))).isFirstDistinct().not(),
      sample: pl.struct(keys.map((k) => displayable(usable.get(k)!, schema.columns[k]!.spec.dtype).alias(k))),
      approximate: true,
      keys,
      repeats: hash,
      ...(deferred
        ? { deferred: true as const }
        : { count: repeatsOfSorted(sorted), sortedCopy: combinedHash(hashes(true)).sort().alias(copyName), repeated: repeatedValues(sorted) }),
    });
  }
  const checks = options.checks ?? [];
  const wholeRow = checks.length && usable.size ? pl.struct([...usable].map(([k, e]) => displayable(e, schema.columns[k]!.spec.dtype).alias(k))) : pl.lit(null);
  for (const check of checks) {
    plan.rowChecks.push({ column: null, name: check.name, severity: check.severity ?? severity, failing: check.check.not(), sample: wholeRow });
  }
}

/**
 * One 64-bit hash per row over several columns. Struct-based duplicate detection is ~10× slower in Polars; a hash
 * collision can only overcount, and any failure is recounted exactly.
 */
function combinedHash(hashes: pl.Expr[]): pl.Expr {
  const prime = pl.lit(1_000_003).cast(pl.UInt64);
  // The casts pin the dtype: this Polars build mis-infers hash() of temporal columns during planning.
  return hashes.map((h) => h.cast(pl.UInt64)).reduce((acc, h) => acc.mul(prime).add(h));
}

/** The hash of the `i`th key column in a key hash (seeded by position). */
function keyHash(expr: pl.Expr, i: number): pl.Expr {
  return expr.hash(i * 4 + 1, i * 4 + 2, i * 4 + 3, i * 4 + 4);
}

/** Rows where casting loses data: a value that turns null, or a number that does not survive the round trip. */
function castLoss(name: string, from: pl.DataType, to: DType, cast: pl.Expr): pl.Expr {
  const original = pl.col(name);
  const becameNull = original.isNotNull().and(cast.isNull());
  const fromDType = fromPolarsType(from);
  if (fromDType && isNumeric(fromDType) && isNumeric(to)) return becameNull.or(cast.cast(from).neq(original));
  return becameNull;
}

/** Values as JS can hold them: nodejs-polars cannot convert decimals, so they are shown as text. */
function displayable(expr: pl.Expr, dtype: DType | undefined): pl.Expr {
  return dtype?.kind === "decimal" ? expr.cast(pl.Utf8) : expr;
}

/** The statistics' aggregates for one column; `__distinct` is also emitted when only a check needs it. */
export function statExprs(stat: StatColumn, index: number, mode: StatsMode): pl.Expr[] {
  const out = stat.distinct ? [stat.distinct.alias(`__distinct${index}`)] : [];
  if (mode === "none") return out;
  return [...out, stat.expr.nullCount().alias(`__null${index}`), ...boundExprs(stat, index)];
}

/** The column's min and max (`__min`, `__max`), for dtypes that have an order; none for the others. */
export function boundExprs(stat: StatColumn, index: number): pl.Expr[] {
  if (!isOrderable(stat.dtype)) return [];
  const value = stat.dtype.kind === "decimal" ? stat.expr.cast(pl.Float64) : stat.expr;
  return [value.min().alias(`__min${index}`), value.max().alias(`__max${index}`)];
}

/** Whether each allowed value of `stat` occurs (`__present{index}_{k}`): one comparison per value (see StatColumn.allowed). */
export function presenceExprs(stat: StatColumn, index: number): pl.Expr[] {
  return (stat.allowed?.values ?? []).map((v, k) => stat.expr.eq(pl.lit(v)).any().alias(`__present${index}_${k}`));
}
