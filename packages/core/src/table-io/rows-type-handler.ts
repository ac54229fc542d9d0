import type { TypeCheck } from "../type-check.ts";
import type { TableBatch, TableColumn } from "./table-client.ts";
import type { TableTypeHandler } from "./table-type-handler.ts";

/** A type check that also names the value type a table IO manager should load (`rows`, `arrow`, `polars`). */
export interface LoadsAs {
  readonly loadsAs?: string;
}

export function loadsAsOf(type: TypeCheck | undefined): string | undefined {
  const value = (type as LoadsAs | undefined)?.loadsAs;
  return typeof value === "string" ? value : undefined;
}

/** An input type for arrays of plain row objects: `ins: { orders: { asset: orders, schema: tableRows() } }`. */
export function tableRows<T extends Record<string, unknown> = Record<string, unknown>>(name = "rows"): TypeCheck<T[]> & LoadsAs {
  return {
    kind: "orch.type",
    name,
    loadsAs: "rows",
    check: (value) =>
      Array.isArray(value) && value.every((row) => typeof row === "object" && row !== null && !Array.isArray(row))
        ? { success: true, metadata: { rows: value.length } }
        : { success: false, description: `Expected an array of row objects.` },
  };
}

/**
 * Arrays of plain row objects (`[{ id: 1n, name: "a" }]`). Column types come from the values: bigint → int64,
 * integral numbers → int64 (else float64), strings → utf8, booleans, Dates → datetime[ms, UTC]. For small
 * tables; frames go through the Arrow and Polars handlers in @orch/dataframe, in bulk.
 */
export function rowsTypeHandler(): TableTypeHandler<Record<string, unknown>[]> {
  return {
    name: "rows",
    canStore: (value) => Array.isArray(value) && value.every((row) => typeof row === "object" && row !== null && !Array.isArray(row) && !(row instanceof Date)),
    loads: (type) => loadsAsOf(type) === "rows",
    readFormats: ["rows"],
    async toBatch(value): Promise<TableBatch> {
      const rows = value as Record<string, unknown>[];
      return { format: "rows", rows, columns: inferColumns(rows) };
    },
    async fromBatch(batch) {
      if (batch.format !== "rows") throw new Error(`the rows handler reads row batches, got ${batch.format}`);
      return batch.rows.map((row) => ({ ...row }));
    },
  };
}

function inferColumns(rows: readonly Record<string, unknown>[]): TableColumn[] {
  const types = new Map<string, string | undefined>();
  for (const row of rows) {
    for (const [name, value] of Object.entries(row)) {
      const type = valueType(value);
      const seen = types.get(name);
      if (seen === undefined || seen === type) types.set(name, type ?? seen);
      else if (type !== undefined) types.set(name, widen(seen, type, name));
    }
  }
  return [...types].map(([name, type]) => ({ name, type: type ?? "utf8" }));
}

function valueType(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "bigint") return "int64";
  if (typeof value === "number") return Number.isInteger(value) ? "int64" : "float64";
  if (typeof value === "string") return "utf8";
  if (typeof value === "boolean") return "boolean";
  if (value instanceof Date) return "datetime[ms, UTC]";
  throw new TypeError(`unsupported row value ${Object.prototype.toString.call(value)}`);
}

function widen(a: string, b: string, column: string): string {
  if ((a === "int64" && b === "float64") || (a === "float64" && b === "int64")) return "float64";
  throw new TypeError(`column "${column}" holds both ${a} and ${b} values`);
}
