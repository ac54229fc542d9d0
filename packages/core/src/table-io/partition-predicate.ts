import { assetKeyToString, type AssetKey } from "../asset-key.ts";
import type { Metadata } from "../metadata.ts";
import { isMultiPartitions, splitMultiPartitionKey } from "../partitions/multi-partitions.ts";
import type { PartitionsDefinition } from "../partitions/partitions-definition.ts";
import type { WarehouseClient } from "./table-client.ts";
import { TableErrorCode, tableError } from "./table-errors.ts";

export interface PredicateRequest {
  readonly assetKey: AssetKey;
  readonly metadata: Metadata;
  readonly partitions: PartitionsDefinition | undefined;
  /** The keys a step writes or reads; empty for unpartitioned steps. */
  readonly keys: readonly string[];
}

/**
 * The SQL predicate selecting the rows of `keys`, from asset metadata `partitionExpr` (a column or SQL expression;
 * for multi-partitions an object of one expression per dimension): time windows become `>= start AND < end`,
 * other partitions `IN (...)`, multi-partitions the conjunction of both dimensions. Undefined when unpartitioned.
 */
export function partitionPredicate(client: WarehouseClient, request: PredicateRequest): string | undefined {
  const { partitions, keys } = request;
  if (keys.length === 0) return undefined;
  if (!partitions) {
    // Never fall back to the whole table for a partition's write or read.
    const id = assetKeyToString(request.assetKey);
    throw tableError(
      TableErrorCode.TABLE_PARTITION_EXPR_MISSING,
      `Asset "${id}" is read or written for partition ${keys.map((k) => JSON.stringify(k)).join(", ")}, but the IO manager was not given its partitions definition (IO managers proxied to another thread do not receive it); run the step on the main thread (executionHint: "main").`,
      { details: { assetKey: id } },
    );
  }
  const expr = request.metadata["partitionExpr"];
  if (isMultiPartitions(partitions)) {
    const exprs = typeof expr === "object" && expr !== null && !Array.isArray(expr) ? (expr as Record<string, unknown>) : {};
    return partitions.dimensions
      .map((dimension) => {
        const dimensionExpr = exprs[dimension.name];
        if (typeof dimensionExpr !== "string" || dimensionExpr.length === 0) throw missingExpr(request, `an object with one expression per dimension, e.g. { ${partitions.dimensions.map((d) => `${d.name}: "<column>"`).join(", ")} }`);
        const parts = [...new Set(keys.map((key) => splitMultiPartitionKey(partitions, key)[dimension.name]!))];
        return `(${single(client, dimension.partitions, dimensionExpr, parts)})`;
      })
      .join(" AND ");
  }
  if (typeof expr !== "string" || expr.length === 0) throw missingExpr(request, "a column or SQL expression");
  return single(client, partitions, expr, keys);
}

function single(client: WarehouseClient, partitions: PartitionsDefinition, expr: string, keys: readonly string[]): string {
  if (partitions.timeWindow) {
    const windows = keys.map((key) => partitions.timeWindow!(key)!);
    // ISO instants with offsets do not sort as strings; compare as times.
    const start = windows.reduce((a, b) => (Date.parse(b.start) < Date.parse(a.start) ? b : a)).start;
    const end = windows.reduce((a, b) => (Date.parse(b.end) > Date.parse(a.end) ? b : a)).end;
    return `${expr} >= ${client.timestampLiteral(start)} AND ${expr} < ${client.timestampLiteral(end)}`;
  }
  return `${expr} IN (${[...new Set(keys)].map((key) => client.literal(key)).join(", ")})`;
}

function missingExpr(request: PredicateRequest, shape: string) {
  const id = assetKeyToString(request.assetKey);
  return tableError(
    TableErrorCode.TABLE_PARTITION_EXPR_MISSING,
    `Asset "${id}" is partitioned (${request.partitions!.description}) but its metadata has no "partitionExpr" (${shape}): the table IO manager needs it to write and read one partition's rows.`,
    { details: { assetKey: id } },
  );
}
