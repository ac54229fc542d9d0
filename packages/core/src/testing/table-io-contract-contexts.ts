// Contexts the table IO manager contract hands the IO manager directly, as the step runner would build them.
import { toAssetKey, type AssetKeyInput } from "../asset-key.ts";
import type { InputContext, OutputContext } from "../io-manager.ts";
import { makeStepLogger } from "../logger.ts";
import type { Metadata } from "../metadata.ts";
import type { PartitionsDefinition } from "../partitions/partitions-definition.ts";
import type { TypeCheck } from "../type-check.ts";
import type { TableTransaction, WarehouseClient } from "../table-io/table-client.ts";

export interface SliceOptions {
  readonly metadata?: Metadata;
  readonly partitions?: PartitionsDefinition;
  readonly keys?: readonly string[];
  readonly typeCheck?: TypeCheck;
}

const log = makeStepLogger(() => {});

export function outputContext(key: AssetKeyInput, options: SliceOptions = {}): OutputContext {
  return {
    runId: "contract-run",
    stepKey: "contract-step",
    outputName: "result",
    assetKey: toAssetKey(key),
    definitionMetadata: options.metadata ?? {},
    log,
    ...(options.typeCheck ? { typeCheck: options.typeCheck } : {}),
    ...(options.partitions ? { partitions: options.partitions } : {}),
    ...scope(options.keys),
  };
}

export function inputContext(key: AssetKeyInput, options: SliceOptions = {}): InputContext {
  const assetKey = toAssetKey(key);
  return {
    runId: "contract-run",
    stepKey: "downstream",
    inputName: "upstream",
    assetKey,
    upstreamOutput: {
      runId: "contract-run",
      stepKey: "contract-step",
      outputName: "result",
      assetKey,
      definitionMetadata: options.metadata ?? {},
      ...(options.partitions ? { partitions: options.partitions } : {}),
    },
    log,
    ...(options.typeCheck ? { typeCheck: options.typeCheck } : {}),
    ...scope(options.keys),
  };
}

function scope(keys: readonly string[] | undefined) {
  if (!keys || keys.length === 0) return {};
  return keys.length === 1 ? { partitionKey: keys[0]! } : { partitionKeys: keys };
}

/** The client with a transaction that fails after the batch was written, before commit: the mid-write failure. */
export function failingAfterWrite(client: WarehouseClient): WarehouseClient {
  return wrap(client, {
    transaction: (work) =>
      client.transaction(async (tx) => {
        const failing: TableTransaction = {
          execute: (sql) => tx.execute(sql),
          describeTable: (ref) => tx.describeTable(ref),
          async writeBatch(ref, batch) {
            await tx.writeBatch(ref, batch);
            throw new Error("injected failure after the batch was written");
          },
        };
        return work(failing);
      }),
  });
}

/** The client without `close`, so runs that tear down their IO managers leave the suite's client open. */
export function keptOpen(client: WarehouseClient): WarehouseClient {
  return wrap(client, { close: undefined });
}

function wrap(client: WarehouseClient, overrides: Partial<WarehouseClient>): WarehouseClient {
  return {
    name: client.name,
    ...(client.catalog !== undefined ? { catalog: client.catalog } : {}),
    formats: client.formats,
    validateName: (n, w) => client.validateName(n, w),
    quoteIdentifier: (n) => client.quoteIdentifier(n),
    literal: (v) => client.literal(v),
    timestampLiteral: (v) => client.timestampLiteral(v),
    columnType: (t) => client.columnType(t),
    transaction: (work) => client.transaction(work),
    readSlice: (slice, formats) => client.readSlice(slice, formats),
    ...overrides,
  };
}
