import { Hono } from "hono";
import { didYouMean, ErrorCode, OrchError, partitionStatusCounts, selectAssetKeys, toAssetKey, type AssetIndexEntry, type AssetSpec, type Definitions, type InstanceStorage } from "@orch/core";
import { assetStates } from "../asset-status.ts";
import { partitionRanges, type PartitionStatus } from "../partition-ranges.ts";
import type { ServerContext } from "../context.ts";
import { assetQuery, graphQuery } from "../schemas.ts";
import { parseWith } from "../validate.ts";

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
      const state = states.get(spec.id)!;
      const checks = state.checks;
      return {
        id: spec.id,
        group: spec.group,
        kinds: spec.kinds,
        status: state.status,
        partitioned: spec.partitions !== undefined,
        // Only the names of failing / warning checks, for the sidebar; most nodes carry nothing extra.
        ...(checks && (checks.failed > 0 || checks.warned > 0) ? { checks: { failing: checks.failing, warning: checks.warning } } : {}),
        ...(selected ? { selected: selected.has(spec.id) } : {}),
      };
    });
    const edges: [string, string][] = [];
    for (const spec of definitions.graph.specs()) for (const parent of definitions.graph.parents(spec.id)) edges.push([parent, spec.id]);
    return c.json({ nodes, edges, groups: [...groups].map(([name, count]) => ({ name, count })), ...(selected ? { selectedCount: selected.size } : {}) });
  });

  app.get("/assets", async (c) => {
    const [states, counts] = await Promise.all([assetStates(definitions, instance), instance.getPartitionStatusCounts()]);
    const countsByAsset = new Map(counts.map((entry) => [entry.assetKey, entry]));
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
        ...(state.checks ? { checks: state.checks } : {}),
        ...(spec.partitions ? { partitions: await partitionStatusCounts(spec, instance, countsByAsset.get(spec.id)) } : {}),
      });
    }
    return c.json({ assets });
  });

  app.get("/asset", async (c) => {
    const { key, limit } = parseWith(assetQuery, c.req.query(), "asset query");
    const spec = requireAsset(definitions, key);
    const [materializations, checks, entries, failed, states] = await Promise.all([
      instance.getAssetEvents(spec.id, ["ASSET_MATERIALIZATION"], { limit }),
      instance.getAssetEvents(spec.id, ["ASSET_CHECK_EVALUATION"], { limit }),
      instance.getAssetIndex([spec.id], { byPartition: true }),
      spec.partitions ? instance.getFailedPartitions([spec.id]) : [],
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
        ...(states.get(spec.id)!.checks ? { checks: states.get(spec.id)!.checks } : {}),
        ...(spec.partitions ? { partitions: await partitionGrid(spec, instance, entries, new Set(failed.map((f) => f.partition))) } : {}),
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


/** The asset page's partition grid: counts and runs of consecutive materialized / failed / missing keys (bounded, see partitionRanges). */
async function partitionGrid(spec: AssetSpec, instance: InstanceStorage, entries: readonly AssetIndexEntry[], failed: ReadonlySet<string>) {
  const keys = await partitionKeys(spec, instance);
  const materialized = new Set<string>();
  for (const entry of entries) if (entry.partition !== null && entry.lastMaterialization) materialized.add(entry.partition);
  const statusOf = (key: string): PartitionStatus => (failed.has(key) ? "failed" : materialized.has(key) ? "materialized" : "missing");
  const ranges = partitionRanges(keys, statusOf);
  const done = ranges.reduce((n, r) => n + r.materialized, 0);
  const failedCount = ranges.reduce((n, r) => n + r.failed, 0);
  return { description: spec.partitions!.description, total: keys.length, materialized: done, failed: failedCount, missing: keys.length - done - failedCount, ranges };
}

async function partitionKeys(spec: AssetSpec, instance: InstanceStorage): Promise<string[]> {
  return [...(await spec.partitions!.getKeys({ dynamicPartitions: (name) => instance.getDynamicPartitions(name) }))];
}
