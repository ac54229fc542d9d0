import { OrchError, type AssetsDefinition } from "@orch/core";
import type { FrameSchema } from "@orch/dataframe";
import { DBT_PKG, DbtErrorCode } from "../manifest/errors.ts";
import type { DbtManifest, DbtNode } from "../manifest/model.ts";
import { contractColumns, type DbtContractColumn } from "./contract.ts";
import { contractDType, KNOWN_CONTRACT_TYPES, type ContractDType } from "./contract-types.ts";

export interface DbtContractSchemaOptions {
  /** Extra or replacing type mappings, keyed by the lower-cased `data_type` (`{ "geography": { kind: "utf8" } }`). */
  readonly dataTypes?: Readonly<Record<string, ContractDType>>;
}

type DataframeModule = typeof import("@orch/dataframe");

let dataframe: Promise<DataframeModule> | undefined;

/** @orch/dataframe is an optional peer dependency: loaded on first use, so users without it never load it. */
function loadDataframe(): Promise<DataframeModule> {
  dataframe ??= import("@orch/dataframe").catch((cause: unknown) => {
    dataframe = undefined;
    throw new OrchError(DbtErrorCode.MISSING_PEER, "dbtContractSchema needs the optional peer dependency @orch/dataframe: npm install @orch/dataframe", { pkg: DBT_PKG, cause });
  });
  return dataframe;
}

const isManifest = (source: AssetsDefinition | DbtManifest): source is DbtManifest => "nodes" in source && source.nodes instanceof Map;

/** `orders`, `customers` (latest version), `customers.v1` or `customers_v1` → the contract columns of that model. */
function findContract(source: AssetsDefinition | DbtManifest, modelName: string): { id: string; columns: DbtContractColumn[] | undefined } {
  const versioned = /^(.+?)[._]v(\w+)$/.exec(modelName);
  const matches = (name: string, version: string | undefined, latest: boolean): boolean =>
    (name === modelName && (version === undefined || latest)) || (versioned !== null && name === versioned[1] && version === versioned[2]);
  if (isManifest(source)) {
    const node = [...source.nodes.values()].find(
      (n: DbtNode) => n.resourceType === "model" && matches(n.name, n.version, n.latestVersion === undefined || n.latestVersion === n.version),
    );
    return node ? { id: node.uniqueId, columns: contractColumns(node) } : notFound(modelName);
  }
  for (const spec of source.specs) {
    const id = spec.metadata["dbt/unique_id"];
    if (typeof id !== "string" || !id.startsWith("model.")) continue;
    const version = spec.metadata["dbt/version"] as string | undefined;
    const name = version === undefined ? id.split(".").slice(2).join(".") : id.split(".").slice(2, -1).join(".");
    if (spec.id === modelName || matches(name, version, spec.metadata["dbt/is_latest_version"] !== false)) {
      return { id, columns: spec.metadata["dbt/contract"] as DbtContractColumn[] | undefined };
    }
  }
  return notFound(modelName);
}

function notFound(modelName: string): never {
  throw new OrchError(DbtErrorCode.CONTRACT_NOT_FOUND, `dbt model "${modelName}" is not in this dbt project (or was not selected)`, { pkg: DBT_PKG });
}

/**
 * The enforced contract of a dbt model as an @orch/dataframe schema, for TypeScript assets that read the table:
 * `ins: { orders: { asset: "orders", schema: await dbtContractSchema(dbt, "orders") } }`. Columns are non-null when
 * the contract says `not_null` or `primary_key`, and unique when it says `unique` or `primary_key`.
 */
export async function dbtContractSchema(source: AssetsDefinition | DbtManifest, modelName: string, options: DbtContractSchemaOptions = {}): Promise<FrameSchema> {
  const { id, columns } = findContract(source, modelName);
  if (!columns) {
    throw new OrchError(DbtErrorCode.CONTRACT_NOT_FOUND, `dbt model "${modelName}" (${id}) has no enforced contract with typed columns; expected config contract: { enforced: true } and a data_type per column`, { pkg: DBT_PKG });
  }
  const { col, frame } = await loadDataframe();
  const shape: Record<string, ReturnType<typeof col.utf8>> = {};
  for (const c of columns) {
    const dtype = options.dataTypes?.[c.dataType.trim().toLowerCase()] ?? contractDType(c.dataType);
    if (!dtype) {
      throw new OrchError(DbtErrorCode.UNSUPPORTED_DATA_TYPE, `dbt model "${modelName}" column "${c.name}": data_type "${c.dataType}" has no dataframe type; expected one of ${KNOWN_CONTRACT_TYPES.join(", ")} (or pass dataTypes)`, { pkg: DBT_PKG });
    }
    let column = columnFor(col, dtype) as ReturnType<typeof col.utf8>;
    if (c.nullable) column = column.nullable() as unknown as typeof column;
    if (c.constraints.includes("unique") || c.constraints.includes("primary_key")) column = column.unique();
    shape[c.name] = column;
  }
  return frame(shape, { name: `dbt contract of ${modelName}` }) as unknown as FrameSchema;
}

function columnFor(col: DataframeModule["col"], dtype: ContractDType): unknown {
  switch (dtype.kind) {
    case "datetime":
      return col.datetime("us", dtype.timezone);
    case "decimal":
      return col.decimal(dtype.precision, dtype.scale);
    default:
      return col[dtype.kind]();
  }
}
