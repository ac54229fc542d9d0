import { tmpdir } from "node:os";
import { assetKeyToString, type AssetKey } from "../asset-key.ts";
import type { IOManagerDefinition } from "../definitions.ts";
import { isOrchError } from "../errors.ts";
import type { DeleteAssetContext, DeleteAssetResult, InputContext, IOManager, IOManagerFactoryContext, OutputContext } from "../io-manager.ts";
import type { Metadata } from "../metadata.ts";
import type { TypeCheck } from "../type-check.ts";
import { partitionPredicate } from "./partition-predicate.ts";
import { formatDifferences, mergeColumns, schemaDifferences } from "./schema-diff.ts";
import type { TableBatch, TableColumn, TableRef, WarehouseClient } from "./table-client.ts";
import { TableErrorCode, tableError } from "./table-errors.ts";
import { checkName, qualifiedName, qualifiedSchema, tableRefFor } from "./table-naming.ts";
import type { TableTypeHandler } from "./table-type-handler.ts";

export type SchemaEvolution = "strict" | "add_columns";

export interface TableIOManagerOptions {
  /** The warehouse client, or a factory called once when a run sets up its IO managers. */
  readonly client: WarehouseClient | ((context: IOManagerFactoryContext) => WarehouseClient | Promise<WarehouseClient>);
  /** Tried in order for outputs (`canStore`); for inputs the first that `loads` the declared type, else the first. */
  readonly typeHandlers: readonly TableTypeHandler[];
  /** The schema of single-segment asset keys. Default `public`. */
  readonly defaultSchema?: string;
  /**
   * What a write does when the table lacks some of its columns: `strict` (default) fails listing the differences;
   * `add_columns` adds them. Asset metadata `schemaEvolution` overrides it per asset. Type changes always fail.
   */
  readonly schemaEvolution?: SchemaEvolution;
  /** Where Parquet batches are staged. Default the OS temp directory. */
  readonly tempDir?: string;
}

/**
 * An IO manager that stores each asset as a warehouse table (`schema.table` from its key) and each partition as the
 * slice its `partitionExpr` predicate selects. A write replaces its slice in one transaction: a failure leaves the
 * previous rows in place.
 */
export function tableIOManager(options: TableIOManagerOptions): IOManagerDefinition {
  return {
    kind: "orch.io_manager",
    async create(context) {
      const client = typeof options.client === "function" ? await options.client(context) : options.client;
      return createTableIOManager({ ...options, client });
    },
  };
}

export function createTableIOManager(options: TableIOManagerOptions & { readonly client: WarehouseClient }): IOManager {
  const { client, typeHandlers } = options;
  if (typeHandlers.length === 0) throw tableError(TableErrorCode.TABLE_TYPE_UNSUPPORTED, "tableIOManager needs at least one type handler.");
  const defaultSchema = options.defaultSchema ?? "public";
  const tempDir = options.tempDir ?? tmpdir();
  // Tables this IO manager resolved from definitions in this process, so deleteAsset without metadata names them right.
  const resolved = new Map<string, ResolvedTable>();
  const resolve = (assetKey: AssetKey, metadata: Metadata): ResolvedTable => {
    const id = assetKeyToString(assetKey);
    const table = { ref: tableRefFor(assetKey, metadata, defaultSchema, client), inPlace: metadata["writtenBy"] === "warehouse" || resolved.get(id)?.inPlace === true };
    resolved.set(id, table);
    return table;
  };

  return {
    async handleOutput(context: OutputContext, value: unknown): Promise<Metadata> {
      const started = performance.now();
      const assetKey = requireAsset(context.assetKey, `output "${context.outputName}" of step "${context.stepKey}"`);
      const id = assetKeyToString(assetKey);
      const table = resolve(assetKey, context.definitionMetadata);
      const ref = table.ref;
      const handler = typeHandlers.find((h) => h.canStore(value));
      if (!handler) {
        throw tableError(
          TableErrorCode.TABLE_TYPE_UNSUPPORTED,
          `Asset "${id}" returned a value no table type handler stores (handlers: ${typeHandlers.map((h) => h.name).join(", ")}).`,
        );
      }
      const batch = await toBatch(handler, value, id, { formats: client.formats, tempDir });
      if (batch === null) {
        table.inPlace = true;
        return recordInPlace(client, ref, id, handler.rowsInPlace?.(value), started);
      }
      try {
        const predicate = partitionPredicate(client, { assetKey, metadata: context.definitionMetadata, partitions: context.partitions, keys: keysOf(context) });
        const declared = context.typeCheck ? declaredColumns(typeHandlers, context.typeCheck) : undefined;
        const columns = mergeColumns(batch.columns, declared);
        for (const column of columns) checkName(client, column.name, "column", assetKey);
        const evolution = evolutionOf(context.definitionMetadata, options.schemaEvolution, id);
        const result = await writeSlice(client, ref, batch, columns, predicate, evolution, id);
        return {
          table: `${ref.schema}.${ref.table}`,
          rows: result.rows,
          ...(predicate !== undefined ? { predicate } : {}),
          durationMs: Math.round(performance.now() - started),
          ...(result.queryId !== undefined ? { queryId: result.queryId } : {}),
          ...(result.createdTable ? { createdTable: true } : {}),
          ...(result.addedColumns.length ? { addedColumns: result.addedColumns } : {}),
        };
      } finally {
        await batch.dispose?.();
      }
    },

    async loadInput(context: InputContext): Promise<unknown> {
      const up = context.upstreamOutput;
      const assetKey = requireAsset(up.assetKey ?? context.assetKey, `input "${context.inputName}" of step "${context.stepKey}"`);
      const id = assetKeyToString(assetKey);
      const { ref } = resolve(assetKey, up.definitionMetadata);
      const predicate = partitionPredicate(client, { assetKey, metadata: up.definitionMetadata, partitions: up.partitions, keys: keysOf(context) });
      const exists = await client.transaction((tx) => tx.describeTable(ref));
      if (!exists) {
        throw tableError(
          TableErrorCode.TABLE_NOT_FOUND,
          `Input "${context.inputName}" of step "${context.stepKey}" reads asset "${id}" from table ${qualifiedName(client, ref)}, which does not exist in ${client.name}. Materialize it first.`,
          { details: { assetKey: id, table: `${ref.schema}.${ref.table}` } },
        );
      }
      const handler = typeHandlers.find((h) => h.loads(context.typeCheck)) ?? typeHandlers[0]!;
      const { batch } = await client.readSlice({ ...ref, ...(predicate !== undefined ? { predicate } : {}) }, handler.readFormats);
      try {
        return await handler.fromBatch(batch, context.typeCheck);
      } finally {
        await batch.dispose?.();
      }
    },

    /** The table exists and, for a partition (or range), its slice has at least one row. */
    async hasOutput(context: OutputContext): Promise<boolean> {
      const assetKey = requireAsset(context.assetKey, `output "${context.outputName}" of step "${context.stepKey}"`);
      const { ref } = resolve(assetKey, context.definitionMetadata);
      const stored = await client.transaction((tx) => tx.describeTable(ref));
      if (!stored) return false;
      const predicate = partitionPredicate(client, { assetKey, metadata: context.definitionMetadata, partitions: context.partitions, keys: keysOf(context) });
      if (predicate === undefined) return true;
      const { batch } = await client.readSlice({ ...ref, predicate, columns: [stored[0]!.name], limit: 1 }, ["rows"]);
      try {
        return batchRows(batch) > 0;
      } finally {
        await batch.dispose?.();
      }
    },

    /** DROP TABLE IF EXISTS of the asset's table; a table the warehouse built (a dbt model) is kept. */
    async deleteAsset(assetKey: AssetKey, asset?: DeleteAssetContext): Promise<void | DeleteAssetResult> {
      const id = assetKeyToString(assetKey);
      const table = asset ? resolve(assetKey, asset.definitionMetadata) : (resolved.get(id) ?? resolve(assetKey, {}));
      const name = qualifiedName(client, table.ref);
      if (table.inPlace) return { kept: `the warehouse built table ${name} (writtenBy: warehouse), so orch leaves it to the tool that owns it` };
      try {
        await client.transaction((tx) => tx.execute(`DROP TABLE IF EXISTS ${name}`));
      } catch (error) {
        if (isOrchError(error)) throw error;
        throw tableError(TableErrorCode.TABLE_WRITE_FAILED, `Deleting asset "${id}": dropping ${client.name} table ${name} failed: ${(error as Error)?.message ?? String(error)}`, {
          cause: error,
          details: { assetKey: id, table: `${table.ref.schema}.${table.ref.table}` },
        });
      }
    },

    async teardown() {
      await client.close?.();
    },
  };
}

interface ResolvedTable {
  readonly ref: TableRef;
  /** The warehouse builds it (definition metadata `writtenBy: warehouse`, or a handler stored it in place). */
  inPlace: boolean;
}

interface WriteResult {
  rows: number;
  queryId?: string;
  createdTable: boolean;
  addedColumns: string[];
}

/** Create or check the table, then delete the slice and insert the batch, all in one transaction. */
async function writeSlice(
  client: WarehouseClient,
  ref: TableRef,
  batch: TableBatch,
  columns: readonly TableColumn[],
  predicate: string | undefined,
  evolution: SchemaEvolution,
  id: string,
): Promise<WriteResult> {
  const table = qualifiedName(client, ref);
  const q = (name: string) => client.quoteIdentifier(name);
  try {
    return await client.transaction(async (tx) => {
      await tx.execute(`CREATE SCHEMA IF NOT EXISTS ${qualifiedSchema(client, ref.schema)}`);
      const stored = await tx.describeTable(ref);
      const addedColumns: string[] = [];
      if (!stored) {
        await tx.execute(`CREATE TABLE ${table} (${columns.map((c) => `${q(c.name)} ${client.columnType(c.type)}`).join(", ")})`);
      } else {
        const differences = schemaDifferences(client, stored, columns);
        const blocking = evolution === "add_columns" ? differences.filter((d) => d.stored !== "(missing)") : differences;
        if (blocking.length) {
          throw tableError(
            TableErrorCode.TABLE_SCHEMA_MISMATCH,
            `Asset "${id}" does not match the existing table ${table}:\n${formatDifferences(differences)}\n` +
              (blocking.length === differences.length && evolution === "strict" && differences.every((d) => d.stored === "(missing)")
                ? `Set schemaEvolution: "add_columns" (IO manager option or asset metadata) to add the missing columns.`
                : `Change the declared types, or migrate the table.`),
            { details: { assetKey: id, table: `${ref.schema}.${ref.table}`, differences } },
          );
        }
        for (const d of differences) {
          await tx.execute(`ALTER TABLE ${table} ADD COLUMN ${q(d.column)} ${d.declared}`);
          addedColumns.push(d.column);
        }
      }
      if (stored) await tx.execute(predicate !== undefined ? `DELETE FROM ${table} WHERE ${predicate}` : `DELETE FROM ${table}`);
      const written = await tx.writeBatch(ref, batch);
      return {
        rows: written.rows ?? batchRows(batch),
        ...(written.queryId !== undefined ? { queryId: written.queryId } : {}),
        createdTable: !stored,
        addedColumns,
      };
    });
  } catch (error) {
    if (isOrchError(error)) throw error;
    throw tableError(TableErrorCode.TABLE_WRITE_FAILED, `Writing asset "${id}" to ${client.name} table ${table} failed; the previous rows are unchanged: ${(error as Error)?.message ?? String(error)}`, {
      cause: error,
      details: { assetKey: id, table: `${ref.schema}.${ref.table}` },
    });
  }
}

/** A table the warehouse built itself (a dbt model): nothing to write, but it must exist. */
async function recordInPlace(client: WarehouseClient, ref: TableRef, id: string, rows: number | undefined, started: number): Promise<Metadata> {
  const stored = await client.transaction((tx) => tx.describeTable(ref));
  if (!stored) {
    throw tableError(TableErrorCode.TABLE_NOT_FOUND, `Asset "${id}" reports that the warehouse built it, but ${client.name} has no table ${qualifiedName(client, ref)}: check its schema and table metadata.`, {
      details: { assetKey: id, table: `${ref.schema}.${ref.table}` },
    });
  }
  return {
    table: `${ref.schema}.${ref.table}`,
    ...(rows !== undefined ? { rows } : {}),
    durationMs: Math.round(performance.now() - started),
    writtenBy: "warehouse",
  };
}

async function toBatch(handler: TableTypeHandler, value: unknown, id: string, options: Parameters<TableTypeHandler["toBatch"]>[1]): Promise<TableBatch | null> {
  try {
    return await handler.toBatch(value, options);
  } catch (error) {
    if (isOrchError(error)) throw error;
    throw tableError(TableErrorCode.TABLE_TYPE_UNSUPPORTED, `Asset "${id}": the ${handler.name} table handler could not convert the value: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  }
}

function declaredColumns(handlers: readonly TableTypeHandler[], type: TypeCheck): readonly TableColumn[] | undefined {
  for (const handler of handlers) {
    const columns = handler.declaredColumns?.(type);
    if (columns) return columns;
  }
  return undefined;
}

function evolutionOf(metadata: Metadata, fallback: SchemaEvolution | undefined, id: string): SchemaEvolution {
  const value = metadata["schemaEvolution"] ?? fallback ?? "strict";
  if (value !== "strict" && value !== "add_columns") {
    throw tableError(TableErrorCode.TABLE_SCHEMA_MISMATCH, `Asset "${id}" metadata schemaEvolution must be "strict" or "add_columns", got ${JSON.stringify(value)}.`);
  }
  return value;
}

function keysOf(context: { partitionKey?: string; partitionKeys?: readonly string[] }): readonly string[] {
  return context.partitionKeys ?? (context.partitionKey !== undefined ? [context.partitionKey] : []);
}

function requireAsset(assetKey: AssetKey | undefined, what: string): AssetKey {
  if (!assetKey) throw tableError(TableErrorCode.TABLE_TYPE_UNSUPPORTED, `The table IO manager stores assets; ${what} is not an asset output. Give it another IO manager.`);
  return assetKey;
}

function batchRows(batch: TableBatch): number {
  return batch.format === "rows" ? batch.rows.length : batch.rows;
}
