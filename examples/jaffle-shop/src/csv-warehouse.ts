import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { assetKeyToString, OrchError, type AssetKey, type IOManager, type Metadata } from "@orch/core";

/** One row of a warehouse table: numbers where the CSV cell is numeric, text otherwise. */
export type Row = Record<string, string | number>;

const isDbtOutput = (value: unknown): value is { relation: string | null; uniqueId: string } =>
  typeof value === "object" && value !== null && "uniqueId" in value && "relation" in value;

/** A small CSV reader for the seed files here (no quoted commas); a real project reads the warehouse instead. */
function readCsv(path: string): Row[] {
  const [header, ...lines] = readFileSync(path, "utf8").trim().split(/\r?\n/);
  const columns = (header ?? "").split(",");
  return lines.map((line) => {
    const cells = line.split(",");
    return Object.fromEntries(columns.map((name, i) => {
      const cell = cells[i] ?? "";
      return [name, cell !== "" && !Number.isNaN(Number(cell)) ? Number(cell) : cell];
    }));
  });
}

/**
 * A stand-in for a warehouse IO manager, because there is no warehouse here. dbt outputs are pointers to tables dbt
 * built, so storing them writes nothing; loading a dbt table reads `<dir>/<table>.csv` as "the warehouse table".
 * Values of TypeScript assets are kept in memory for the process.
 */
export function csvWarehouse(options: { dir: string }): IOManager {
  const values = new Map<string, unknown>();
  const keyOf = (key: AssetKey | undefined): AssetKey => {
    if (!key) throw new OrchError("JAFFLE_NO_ASSET_KEY", "the CSV warehouse stores assets only (an op output has no table)", { pkg: "example-jaffle-shop" });
    return key;
  };
  return {
    async handleOutput(context, value): Promise<Metadata> {
      const key = keyOf(context.assetKey);
      if (isDbtOutput(value)) return { "warehouse/relation": value.relation ?? assetKeyToString(key) };
      values.set(assetKeyToString(key), value);
      return { "warehouse/stored": "memory" };
    },
    async loadInput(context) {
      const key = keyOf(context.upstreamOutput.assetKey ?? context.assetKey);
      const id = assetKeyToString(key);
      if (values.has(id)) return values.get(id);
      const path = join(options.dir, `${key.join("_")}.csv`);
      if (!existsSync(path)) {
        throw new OrchError("JAFFLE_TABLE_NOT_FOUND", `asset "${id}": expected its warehouse table as ${path} (this example's warehouse is a folder of CSV files)`, { pkg: "example-jaffle-shop" });
      }
      return readCsv(path);
    },
  };
}
