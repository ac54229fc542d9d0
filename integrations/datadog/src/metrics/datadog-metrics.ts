import { defineListener, OrchError, type AssetsDefinition, type RunListener, type RunRecord } from "@orch/core";
import { datadogClientSource, type DatadogConnectionOptions } from "../client-source.ts";
import { sendWithin } from "../send-batches.ts";
import { metricName, tag } from "../tags.ts";
import { MetricBuffer, type RunMetrics } from "./metric-buffer.ts";
import type { RawPoint } from "./points-from-events.ts";
import { batchSeries, toSeries } from "./series-batches.ts";

export const METRIC_TAG_KEYS = ["asset_key", "group", "job", "partition", "run_id", "step"] as const;
export type MetricTagKey = (typeof METRIC_TAG_KEYS)[number];

export interface DatadogMetricsOptions extends DatadogConnectionOptions {
  /** Prepended to every metric name. Default `orch.`. */
  prefix?: string;
  /** Static tags on every point, e.g. `["env:prod", "team:data"]`. */
  tags?: readonly string[];
  /** Which run facts become tags. Default asset_key, group, job, partition, run_id. */
  tagKeys?: readonly MetricTagKey[];
  /** Where asset groups come from (events do not carry them): the same assets given to defineDefinitions. */
  assets?: readonly AssetsDefinition[];
  /** Resource key of a `datadogResource`, when no apiKey/client is given. Default `datadog`. */
  resourceKey?: string;
  /** Points per `POST /api/v2/series`. Default 500. */
  maxPointsPerRequest?: number;
  /** Points kept in memory across running runs; more are dropped and counted. Default 20,000. */
  maxBufferedPoints?: number;
  /** Longest time spent submitting at run end. Default 20 s. */
  flushTimeoutMs?: number;
  name?: string;
}

/**
 * A run listener that measures every run (step durations and outcomes, retries, materializations and their
 * numeric metadata, checks, run duration and status) and submits them to Datadog in batches at run end.
 * Datadog being down or slow costs at most `flushTimeoutMs` and one warning in the run's log.
 */
export function datadogMetrics(options: DatadogMetricsOptions = {}): RunListener {
  const name = options.name ?? "datadog_metrics";
  const prefix = options.prefix ?? "orch.";
  const tagKeys = new Set<MetricTagKey>(options.tagKeys ?? ["asset_key", "group", "job", "partition", "run_id"]);
  for (const key of tagKeys) {
    if (!(METRIC_TAG_KEYS as readonly string[]).includes(key)) {
      throw new OrchError("INVALID_DEFINITION", `datadogMetrics(): unknown tag key "${key}"; use ${METRIC_TAG_KEYS.join(", ")}.`, { pkg: "datadog" });
    }
  }
  const maxPoints = options.maxPointsPerRequest ?? 500;
  const buffer = new MetricBuffer(options.maxBufferedPoints ?? 20_000);
  const groups = groupIndex(options.assets ?? []);
  const source = datadogClientSource(options, `listener ${name}`);

  return defineListener({
    name,
    ...(source.resources ? { resources: source.resources } : {}),
    onEvent(event) {
      if (event.type === "RUN_START") source.warmUp();
      buffer.add(event);
    },
    async onRunEnd(run, context) {
      const measured = buffer.take(run.runId);
      const tagsOf = runTagger(run, measured, { tagKeys, groups, staticTags: options.tags ?? [] });
      const series = toSeries(measured.points, (p) => metricName(`${prefix}${p.metric}`), tagsOf);
      const batches = batchSeries(series, maxPoints);
      const total = measured.points.length;
      if (measured.dropped > 0) {
        context.log.warn(`[datadog] Dropped ${measured.dropped} metric points of run ${run.runId}: more than maxBufferedPoints were buffered.`);
      }
      if (batches.length === 0) return;
      let report;
      try {
        const client = await source.get(context.resources);
        report = await sendWithin(batches, (batch) => client.metrics.submitMetrics({ body: { series: batch } }), options.flushTimeoutMs ?? 20_000);
      } catch (error) {
        report = { sent: 0, failed: batches.length, error: (error as Error)?.message ?? String(error) };
      }
      if (report.failed > 0) {
        context.log.warn(
          `[datadog] Could not submit ${report.failed} of ${batches.length} metric batches (${total} points) for run ${run.runId}: ${report.error}`,
        );
      }
    },
  });
}

function groupIndex(assets: readonly AssetsDefinition[]): Map<string, string> {
  const groups = new Map<string, string>();
  for (const definition of assets) for (const spec of definition.specs) groups.set(spec.id, spec.group);
  return groups;
}

interface TagSettings {
  readonly tagKeys: ReadonlySet<MetricTagKey>;
  readonly groups: ReadonlyMap<string, string>;
  readonly staticTags: readonly string[];
}

/** Tags a point with what is known at run end: its assets (by step), their groups, job, partition, run id. */
function runTagger(run: RunRecord, measured: RunMetrics, settings: TagSettings): (point: RawPoint) => string[] {
  const { tagKeys, groups } = settings;
  const runPartition = run.partitionKey ?? measured.partitionKey;
  return (point) => {
    const tags = [...settings.staticTags];
    const assets = point.assetKey !== undefined ? [point.assetKey] : assetsOfStep(point.stepKey, run, measured);
    if (tagKeys.has("asset_key")) for (const key of assets) tags.push(tag("asset_key", key));
    if (tagKeys.has("group")) for (const key of assets) if (groups.has(key)) tags.push(tag("group", groups.get(key)!));
    if (tagKeys.has("job") && run.jobName !== undefined) tags.push(tag("job", run.jobName));
    const partition = point.partition ?? runPartition;
    if (tagKeys.has("partition") && partition !== undefined) tags.push(tag("partition", partition));
    if (tagKeys.has("run_id")) tags.push(tag("run_id", run.runId));
    if (tagKeys.has("step") && point.stepKey !== undefined) tags.push(tag("step", point.stepKey));
    for (const extra of point.extraTags ?? []) {
      const [key, ...value] = extra.split(":");
      tags.push(tag(key!, value.join(":")));
    }
    return tags;
  };
}

function assetsOfStep(stepKey: string | undefined, run: RunRecord, measured: RunMetrics): string[] {
  if (stepKey === undefined) return [];
  const materialized = measured.stepAssets.get(stepKey);
  if (materialized) return [...materialized];
  // A step that failed materialized nothing; an asset's step is keyed by the asset's key.
  return run.assetKeys.includes(stepKey) ? [stepKey] : [];
}
