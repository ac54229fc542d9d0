import {
  createIOManagers,
  didYouMean,
  ErrorCode,
  OrchError,
  partitionStatusCounts,
  SerializerRegistry,
  toAssetKey,
  type AssetSpec,
  type Definitions,
  type InstanceStorage,
  type Metadata,
  type MetadataValue,
  type PartitionCounts,
} from "@orch/core";
import type { Command } from "commander";
import { withProject } from "../cli-context.ts";
import { formatTime, table } from "../format.ts";
import { positiveInt } from "./runs.ts";

export function registerAsset(program: Command): void {
  const asset = program.command("asset").description("inspect and wipe assets");

  asset
    .command("list")
    .description("every asset: key, group, upstream assets (lineage), last materialization, partition status counts")
    .action((_flags: unknown, command: Command) =>
      withProject(command, async (project) => {
        const definitions = await project.definitions();
        const storage = await project.storage();
        const specs = definitions.graph.specs();
        const index = new Map((await storage.getAssetIndex(specs.map((s) => s.id))).map((e) => [e.assetKey, e]));
        const counts = new Map((await storage.getPartitionStatusCounts()).map((c) => [c.assetKey, c]));
        const rows: string[][] = [];
        for (const spec of specs) {
          const last = index.get(spec.id)?.lastMaterialization;
          const upstream = definitions.graph.parents(spec.id);
          rows.push([spec.id, spec.group, upstream.length ? upstream.join(", ") : "-", formatTime(last?.timestamp), spec.partitions ? partitionText(await partitionStatusCounts(spec, storage, counts.get(spec.id))) : "-"]);
        }
        process.stdout.write(table(["asset", "group", "upstream", "last materialized", "partitions"], rows));
      }),
    );

  asset
    .command("show <key>")
    .description("an asset's definition and its materialization history with metadata")
    .option("--limit <n>", "at most this many materializations", (v) => positiveInt(v, "--limit"), 10)
    .action((key: string, flags: { limit: number }, command: Command) =>
      withProject(command, async (project) => {
        const definitions = await project.definitions();
        const storage = await project.storage();
        const spec = requireAsset(definitions, key);
        const out: string[] = [`Asset ${spec.id}`, `  group     ${spec.group}`];
        if (spec.description) out.push(`  about     ${spec.description}`);
        const parents = definitions.graph.parents(spec.id);
        if (parents.length) out.push(`  upstream  ${parents.join(", ")}`);
        if (spec.partitions) {
          const [counts] = await storage.getPartitionStatusCounts([spec.id]);
          out.push(`  partitions ${spec.partitions.description}: ${partitionText(await partitionStatusCounts(spec, storage, counts))}`);
        }
        const history = await storage.getAssetEvents(spec.id, ["ASSET_MATERIALIZATION"], { limit: flags.limit });
        out.push("", history.length ? `Materializations (newest first, up to ${flags.limit}):` : "Never materialized.");
        for (const event of history) {
          if (event.type !== "ASSET_MATERIALIZATION") continue;
          out.push(`  ${formatTime(event.timestamp)}  run ${event.runId}${event.partition !== undefined ? `  partition ${event.partition}` : ""}`);
          for (const line of metadataLines(event.metadata)) out.push(`      ${line}`);
        }
        process.stdout.write(out.join("\n") + "\n");
      }),
    );

  asset
    .command("wipe <keys...>")
    .description("forget assets: remove them from the asset index and delete their stored values (IO manager)")
    .action((keys: string[], _flags: unknown, command: Command) =>
      withProject(command, async (project) => {
        const definitions = await project.definitions();
        const storage = await project.storage();
        const specs = keys.map((k) => requireAsset(definitions, k));
        const serializers = new SerializerRegistry();
        for (const s of definitions.plugins.serializers) serializers.register(s);
        const managers = await createIOManagers(definitions, { baseDir: project.dir, defaultIOManager: project.defaultIOManager() }, serializers);
        try {
          for (const spec of specs) {
            await storage.wipeAsset(spec.id);
            const manager = managers.get(spec.ioManagerKey)?.manager;
            const output = definitions.graph.definitionOf(spec.id)?.node?.outputs.find((o) => o.name === spec.outputName);
            const deleted = await manager?.deleteAsset?.(spec.key, { definitionMetadata: output?.metadata ?? {} });
            const where = !manager?.deleteAsset
              ? " (index only: its IO manager cannot delete)"
              : deleted
                ? ` (index only: IO manager "${spec.ioManagerKey}" kept its stored values: ${deleted.kept})`
                : ` (index and stored values in IO manager "${spec.ioManagerKey}")`;
            process.stdout.write(`Wiped ${spec.id}${where}\n`);
          }
        } finally {
          for (const { manager } of managers.values()) await manager.teardown?.();
        }
      }),
    );
}

function requireAsset(definitions: Definitions, key: string): AssetSpec {
  const id = toAssetKey(key).join("/");
  if (!definitions.graph.has(id)) {
    throw new OrchError(ErrorCode.UNKNOWN_ASSET, `Asset "${key}" is not defined.${didYouMean(id, definitions.graph.keys())}`, { pkg: "cli", details: { assetKey: key } });
  }
  return definitions.graph.spec(id);
}

/** `3/31 materialized, 2 failed, 26 missing` for a partitioned asset (failed: its latest attempt failed). */
function partitionText(counts: PartitionCounts): string {
  return `${counts.materialized}/${counts.total} materialized, ${counts.failed} failed, ${counts.missing} missing`;
}

function metadataLines(metadata: Metadata): string[] {
  return Object.entries(metadata).map(([k, v]) => `${k}: ${metadataText(v)}`);
}

function metadataText(value: MetadataValue): string {
  if (value !== null && typeof value === "object" && !Array.isArray(value) && "type" in value && "value" in value) {
    return typeof value.value === "string" ? value.value : JSON.stringify(value.value);
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}
