// dbt models in a table IO manager: dbt builds the table, so storing its output writes nothing, and downstream
// TypeScript assets read the model's relation (schema and table from the manifest) through the same IO manager.
import type { AssetSpec, TableTypeHandler } from "@orch/core";
import type { DbtModelOutput } from "./dbt-assets.ts";

export function isDbtModelOutput(value: unknown): value is DbtModelOutput {
  return typeof value === "object" && value !== null && typeof (value as DbtModelOutput).uniqueId === "string" && "relation" in value && "status" in value;
}

/**
 * Put first in a table IO manager's `typeHandlers` (e.g. `duckdbIOManager({ typeHandlers: [dbtTableTypeHandler(),
 * ...defaultDuckDBTypeHandlers()] })`): dbt model outputs are recorded as written in place after the IO manager
 * checked their table exists.
 */
export function dbtTableTypeHandler(): TableTypeHandler<never> {
  return {
    name: "dbt",
    canStore: isDbtModelOutput,
    loads: () => false,
    readFormats: [],
    toBatch: async () => null,
    rowsInPlace: (value) => (isDbtModelOutput(value) && typeof value.rowsAffected === "number" ? value.rowsAffected : undefined),
    fromBatch: async () => {
      throw new Error("dbt models are read by the other type handlers of the table IO manager");
    },
  };
}

/**
 * `schema` and `table` metadata for a dbt node's output (its relation's schema and alias), the names table IO
 * managers use instead of the asset key, so the key stays dbt's and the table stays the one dbt built; and
 * `writtenBy: "warehouse"`, so table IO managers never drop it.
 */
export function dbtTableMetadata(spec: AssetSpec): Record<string, string> {
  const schema = spec.metadata["dbt/schema"];
  const table = spec.metadata["dbt/alias"];
  // writtenBy: dbt owns the table, so `orch asset wipe` leaves it in place.
  return typeof schema === "string" && typeof table === "string" ? { schema, table, writtenBy: "warehouse" } : {};
}
