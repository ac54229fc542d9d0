// A validation report as people read it (a small table) and as metadata recorded with the materialization.
import { normalizeMetadata, type Metadata } from "@orch/core";
import type { CheckOutcome, ValidationReport } from "./validate.ts";

const MAX_CELL = 48;

/** `Orders: 2 of 9 checks failed on 1,000 rows (error)` followed by one line per failing check. */
export function formatReport(report: ValidationReport, subject?: string): string {
  const failed = report.outcomes.filter((o) => !o.passed);
  const where = subject ? ` for ${subject}` : "";
  const head = report.passed
    ? `${report.schema}${where}: all ${report.outcomes.length} checks passed on ${report.rows.toLocaleString("en-US")} rows.`
    : `${report.schema}${where}: ${failed.length} of ${report.outcomes.length} checks failed on ${report.rows.toLocaleString("en-US")} rows (${report.severity}).`;
  if (report.passed) return head;
  const table = [["column", "check", "severity", "failing rows", "examples"], ...failed.map(row)];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const lines = table.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ").trimEnd());
  return [head, ...lines].join("\n");
}

function row(o: CheckOutcome): string[] {
  const examples = o.examples.length ? o.examples.map(formatValue).join(", ") : (o.detail ?? "");
  return [o.column ?? "(frame)", clip(o.check), o.severity, o.failingRows === null ? "-" : o.failingRows.toLocaleString("en-US"), examples];
}

export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}`;
  if (typeof value === "object") {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  }
  return String(value);
}

function clip(text: string): string {
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}

/**
 * Pass/fail per check, row count, and per-column null count, min, max and distinct count: JSON-safe. `columns` is
 * empty with `stats_skipped: true` when an error-severity check failed (the statistics were not computed).
 */
export function reportMetadata(report: ValidationReport): Metadata {
  return normalizeMetadata({
    schema: report.schema,
    row_count: report.rows,
    passed: report.passed,
    failed_checks: report.outcomes.filter((o) => !o.passed).length,
    ...(report.statsSkipped ? { stats_skipped: true } : {}),
    checks: report.outcomes.map((o) => ({
      column: o.column,
      check: o.check,
      severity: o.severity,
      passed: o.passed,
      failing_rows: o.failingRows,
      examples: o.examples.map((e) => (typeof e === "object" && e !== null && !(e instanceof Date) ? formatValue(e) : e)),
      ...(o.detail ? { detail: o.detail } : {}),
    })),
    columns: Object.fromEntries(
      Object.entries(report.columns).map(([name, s]) => [
        name,
        {
          dtype: s.dtype, null_count: s.nullCount, min: s.min ?? null, max: s.max ?? null, distinct_count: s.distinctCount ?? null,
          ...(s.distinctCountHashed ? { distinct_count_hashed: true } : {}),
        },
      ]),
    ),
  });
}
