import { assetKeyToString, type AssetKey } from "../asset-key.ts";
import type { Metadata } from "../metadata.ts";
import type { TableRef, WarehouseClient } from "./table-client.ts";
import { TableErrorCode, tableError } from "./table-errors.ts";

/**
 * Where an asset lives: the last key segment is the table, the one before it the schema (else `defaultSchema`);
 * asset metadata `schema` / `table` override either. The dbt integration sets both from the model's relation, so
 * a TypeScript asset downstream of a dbt model reads the model's table.
 */
export function tableRefFor(assetKey: AssetKey, metadata: Metadata, defaultSchema: string, client: WarehouseClient): TableRef {
  const table = stringMeta(metadata, "table", assetKey) ?? assetKey[assetKey.length - 1]!;
  const schema = stringMeta(metadata, "schema", assetKey) ?? (assetKey.length > 1 ? assetKey[assetKey.length - 2]! : defaultSchema);
  checkName(client, schema, "schema", assetKey);
  checkName(client, table, "table", assetKey);
  return { schema, table };
}

export function checkName(client: WarehouseClient, name: string, what: "schema" | "table" | "column", assetKey: AssetKey): void {
  const reason = client.validateName(name, what);
  if (reason !== undefined) {
    throw tableError(
      TableErrorCode.TABLE_NAME_INVALID,
      `Asset "${assetKeyToString(assetKey)}" maps to ${what} name ${JSON.stringify(name)}, which ${client.name} cannot hold: ${reason}. Set metadata "${what === "column" ? "table" : what}" to a valid name.`,
      { details: { assetKey: assetKeyToString(assetKey), what, name } },
    );
  }
}

export function qualifiedName(client: WarehouseClient, ref: TableRef): string {
  return `${qualifiedSchema(client, ref.schema)}.${client.quoteIdentifier(ref.table)}`;
}

export function qualifiedSchema(client: WarehouseClient, schema: string): string {
  return `${client.catalog !== undefined ? `${client.quoteIdentifier(client.catalog)}.` : ""}${client.quoteIdentifier(schema)}`;
}

function stringMeta(metadata: Metadata, name: string, assetKey: AssetKey): string | undefined {
  const value = metadata[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value.length === 0) {
    throw tableError(TableErrorCode.TABLE_NAME_INVALID, `Asset "${assetKeyToString(assetKey)}" metadata "${name}" must be a non-empty string, got ${JSON.stringify(value)}.`);
  }
  return value;
}
