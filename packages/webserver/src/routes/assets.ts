import { Hono } from "hono";
import { didYouMean, ErrorCode, OrchError, selectAssetKeys, toAssetKey, type AssetIndexEntry, type AssetSpec, type Definitions, type InstanceStorage } from "@orch/core";
import { assetStates } from "../asset-status.ts";
import { partitionRanges } from "../partition-ranges.ts";
import type { ServerContext } from "../context.ts";
import { assetQuery, graphQuery } from "../schemas.ts";
import { parseWith } from "../validate.ts";

export interface PartitionCounts {
  readonly total: number;
  readonly materialized: number;
  readonly missing: number;
}

/** Graph, catalog and asset detail. Partition status is sent as counts and ranges, never as key lists. */
export function assetRoutes(ctx: ServerContext): Hono {
  const app = new Hono();
  const { definitions, instance } = ctx;

  app.get("/graph", async (c) => {
    const { select } = parseWith(graphQuery, c.req.query(), "graph query");
    const selected = select ? selectAssetKeys(definitions, select) : undefined;
    const states = await assetStates(definitions, instance);
    const groups = new Map<string, number>();
    const nodes = definitions.graph.specs().map((spec) => {
      groups.set(spec.group, (groups.get(spec.group) ?? 0) + 1);
      return {
        id: spec.id,
        group: spec.group,
        kinds: spec.kinds,
        status: states.get(spec.id)!.status,
        partitioned: spec.partitions !== undefined,
        ...(selected ? { selected: selected.has(spec.id) } : {}),
      };
    });
    const edges: [string, string][] = [];
    for (const spec of definitions.graph.specs()) for (const parent of definitions.graph.parents(spec.id)) edges.push([parent, spec.id]);
    return c.json({ nodes, edges, groups: [...groups].map(([name, count]) => ({ name, count })), ...(selected ? { selectedCount: selected.size } : {}) });
  });

  app.get("/assets", async (c) => {
    const states = await assetStates(definitions, instance);
    const byAsset = partitionIndex(await instance.getAssetIndex(undefined, { byPartition: true }));
    const assets = [];
    for (const spec of definitions.graph.specs()) {
      const state = states.get(spec.id)!;
      assets.push({
        id: spec.id,
        group: spec.group,
        kinds: spec.kinds,
        owners: spec.owners,
        ...(spec.description ? { description: spec.description } : {}),
        status: state.status,
        ...(state.lastMaterializedAt !== undefined ? { lastMaterializedAt: state.lastMaterializedAt } : {}),
        ...(spec.partitions ? { partitions: await partitionCounts(spec, instance, byAsset.get(spec.id) ?? []) } : {}),
      });
    }
    return c.json({ assets });
  });

  app.get("/asset", async (c) => {
    const { key, limit } = parseWith(assetQuery, c.req.query(), "asset query");
    const spec = requireAsset(definitions, key);
    const [materializations, checks, entries, states] = await Promise.all([
      instance.getAssetEvents(spec.id, ["ASSET_MATERIALIZATION"], { limit }),
      instance.getAssetEvents(spec.id, ["ASSET_CHECK_EVALUATION"], { limit }),
      instance.getAssetIndex([spec.id], { byPartition: true }),
      assetStates(definitions, instance),
    ]);
    return c.json({
      asset: {
        id: spec.id,
        group: spec.group,
        kinds: spec.kinds,
        owners: spec.owners,
        tags: spec.tags,
        ...(spec.description ? { description: spec.description } : {}),
        ...(spec.codeVersion ? { codeVersion: spec.codeVersion } : {}),
        ioManagerKey: spec.ioManagerKey,
        external: spec.external === true,
        upstream: definitions.graph.parents(spec.id),
        downstream: definitions.graph.children(spec.id),
        status: states.get(spec.id)!.status,
        ...(spec.partitions ? { partitions: await partitionGrid(spec, instance, entries) } : {}),
      },
      materializations,
      checks,
    });
  });
  return app;
}

export function requireAsset(definitions: Definitions, key: string): AssetSpec {
  const id = toAssetKey(key).join("/");
  if (!definitions.graph.has(id)) {
    throw new OrchError(ErrorCode.UNKNOWN_ASSET, `Asset "${key}" is not defined.${didYouMean(id, definitions.graph.keys())}`, { pkg: "webserver", details: { assetKey: key } });
  }
  return definitions.graph.spec(id);
}

function partitionIndex(entries: readonly AssetIndexEntry[]): Map<string, AssetIndexEntry[]> {
  const out = new Map<string, AssetIndexEntry[]>();
  for (const entry of entries) {
    if (entry.partition === null) continue;
    const list = out.get(entry.assetKey) ?? [];
    list.push(entry);
    out.set(entry.assetKey, list);
  }
  return out;
}

/** Counts over the asset's current partition keys (a partition removed from the definition no longer counts). */
async function partitionCounts(spec: AssetSpec, instance: InstanceStorage, entries: readonly AssetIndexEntry[]): Promise<PartitionCounts> {
  const { keys, materialized } = await partitionState(spec, instance, entries);
  const count = keys.filter((k) => materialized.has(k)).length;
  return { total: keys.length, materialized: count, missing: keys.length - count };
}

/** The asset page's partition grid: counts and runs of consecutive materialized / missing keys (bounded, see partitionRanges). */
async function partitionGrid(spec: AssetSpec, instance: InstanceStorage, entries: readonly AssetIndexEntry[]) {
  const { keys, materialized } = await partitionState(spec, instance, entries);
  const ranges = partitionRanges(keys, (k) => materialized.has(k));
  const count = ranges.reduce((n, r) => n + r.materialized, 0);
  return { description: spec.partitions!.description, total: keys.length, materialized: count, missing: keys.length - count, ranges };
}

async function partitionState(spec: AssetSpec, instance: InstanceStorage, entries: readonly AssetIndexEntry[]): Promise<{ keys: string[]; materialized: Set<string> }> {
  const keys = [...(await spec.partitions!.getKeys({ dynamicPartitions: (name) => instance.getDynamicPartitions(name) }))];
  const materialized = new Set<string>();
  for (const entry of entries) if (entry.partition !== null && entry.lastMaterialization) materialized.add(entry.partition);
  return { keys, materialized };
}
