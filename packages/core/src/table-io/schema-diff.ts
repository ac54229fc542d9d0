import type { StoredColumn, TableColumn, WarehouseClient } from "./table-client.ts";

export interface ColumnDifference {
  readonly column: string;
  /** The stored warehouse type, or `(missing)` when the table lacks the column. */
  readonly stored: string;
  readonly declared: string;
}

/**
 * Columns of a write that the existing table does not match: missing ones, and ones stored with another type.
 * Stored columns the write leaves out are not differences (they receive NULLs).
 */
export function schemaDifferences(client: WarehouseClient, stored: readonly StoredColumn[], declared: readonly TableColumn[]): ColumnDifference[] {
  const byName = new Map(stored.map((c) => [c.name.toLowerCase(), c]));
  const out: ColumnDifference[] = [];
  for (const column of declared) {
    const want = client.columnType(column.type);
    const have = byName.get(column.name.toLowerCase());
    if (!have) out.push({ column: column.name, stored: "(missing)", declared: want });
    else if (have.type.toUpperCase() !== want.toUpperCase()) out.push({ column: column.name, stored: have.type, declared: want });
  }
  return out;
}

export function formatDifferences(differences: readonly ColumnDifference[]): string {
  const rows = [["column", "stored type", "declared type"], ...differences.map((d) => [d.column, d.stored, d.declared])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => "  " + r.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n");
}

/** The batch's columns with the declared types where the output type declares them, then declared-only columns. */
export function mergeColumns(batchColumns: readonly TableColumn[], declared: readonly TableColumn[] | undefined): TableColumn[] {
  if (!declared) return [...batchColumns];
  const declaredByName = new Map(declared.map((c) => [c.name, c]));
  const merged = batchColumns.map((c) => declaredByName.get(c.name) ?? c);
  const present = new Set(batchColumns.map((c) => c.name));
  return [...merged, ...declared.filter((c) => !present.has(c.name))];
}
