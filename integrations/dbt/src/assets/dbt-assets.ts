import { createHash } from "node:crypto";
import { join } from "node:path";
import { ErrorCode, OrchError, type AssetsDefinition, type CheckResult, type ExecutableNode, type NodeInvocation, type NodeOutputValue, type NodeResult } from "@orch/core";
import { DBT_PKG, DbtErrorCode } from "../manifest/errors.ts";
import type { DbtManifest } from "../manifest/model.ts";
import { loadManifest } from "../manifest/parse-manifest.ts";
import type { DbtRunner } from "../runner/dbt-runner.ts";
import type { DbtEvent } from "../runner/events.ts";
import { mapManifest, type MappedManifest, type UnmappedTest } from "./map-manifest.ts";
import { createDbtTranslator, type DbtTranslatorOverrides } from "./translator.ts";
import { dbtTableMetadata } from "./dbt-table-handler.ts";

export interface DbtProject {
  readonly projectDir: string;
  /** Relative to projectDir; default `target`. */
  readonly targetPath?: string;
}

export interface DbtAssetsOptions {
  /** A path to manifest.json, or an already parsed manifest; default `<project>/target/manifest.json`. */
  readonly manifest?: string | DbtManifest;
  readonly translator?: DbtTranslatorOverrides;
  readonly select?: string | readonly string[];
  readonly exclude?: string | readonly string[];
  readonly project?: DbtProject;
  /** Resource key of the dbt runner; default `dbt`. */
  readonly resourceKey?: string;
  /**
   * The node id (and step key) of these assets; default `dbt_<project>`, plus a hash of the selected models when
   * `select` or `exclude` is given, so that several dbtAssets over one project never share an id.
   */
  readonly name?: string;
  /** Where load-time warnings go (dbt tests that map to no check); default `console.warn`. */
  readonly onWarning?: (message: string) => void;
}

/** The value each model's output carries: a pointer to the relation dbt built, not its data. */
export interface DbtModelOutput {
  readonly relation: string | null;
  readonly uniqueId: string;
  readonly status: string;
  readonly rowsAffected: number | null;
}

function resolveManifest(options: DbtAssetsOptions): DbtManifest {
  if (options.manifest !== undefined && typeof options.manifest !== "string") return options.manifest;
  const path = options.manifest ?? (options.project ? join(options.project.projectDir, options.project.targetPath ?? "target", "manifest.json") : undefined);
  if (!path) throw new OrchError(ErrorCode.INVALID_DEFINITION, "dbtAssets needs a manifest (path or parsed) or a project with target/manifest.json", { pkg: DBT_PKG });
  return loadManifest(path);
}

function logEvent(inv: NodeInvocation, event: DbtEvent): void {
  if (event.type === "raw") return inv.log.info(event.message);
  if (event.level === "debug" && event.type !== "node_finished" && event.type !== "node_started") return;
  const md: Record<string, string | number> = { "dbt/event": event.name, "dbt/code": event.code };
  if ("node" in event && event.node) md["dbt/unique_id"] = event.node.uniqueId;
  if (event.type === "node_finished") {
    md["dbt/status"] = event.status;
    if (event.rowsAffected !== undefined) md["dbt/rows_affected"] = event.rowsAffected;
  }
  const level = event.level === "debug" ? "debug" : event.level;
  inv.log[level](event.message, md);
}

/** dbt models, seeds and snapshots as one subsettable AssetsDefinition, run with `dbt build`. */
export function dbtAssets(options: DbtAssetsOptions): AssetsDefinition {
  const manifest = resolveManifest(options);
  const translator = createDbtTranslator(options.translator);
  const mapped = mapManifest(manifest, translator, {
    ...(options.select !== undefined ? { select: options.select } : {}),
    ...(options.exclude !== undefined ? { exclude: options.exclude } : {}),
  });
  const resourceKey = options.resourceKey ?? "dbt";
  if (mapped.unmappedTests.length > 0) (options.onWarning ?? ((message: string) => console.warn(message)))(describeUnmapped(mapped.unmappedTests));
  const node: ExecutableNode = {
    id: options.name ?? defaultNodeId(manifest, mapped, options.select !== undefined || options.exclude !== undefined),
    nodeKind: "multi_asset",
    inputs: [],
    outputs: mapped.specs
      .filter((s) => !s.external)
      .map((s) => ({ name: s.outputName as string, assetKey: s.key, ioManagerKey: s.ioManagerKey, metadata: dbtTableMetadata(s), ...(s.codeVersion ? { codeVersion: s.codeVersion } : {}) })),
    // What the models read from outside this definition: the step waits for whichever definition owns those keys.
    deps: mapped.specs.filter((s) => s.placeholder).map((s) => s.key),
    resources: [resourceKey],
    hooks: [],
    tags: { kind: "dbt" },
    description: `dbt project ${manifest.projectName ?? ""}`.trim(),
    invoke: (inv) => runDbtStep(inv, manifest, mapped, resourceKey),
  };
  return { specs: mapped.specs, node, checks: mapped.checks.map((c) => c.spec), canSubset: true };
}

function defaultNodeId(manifest: DbtManifest, mapped: MappedManifest, selective: boolean): string {
  const base = `dbt_${manifest.projectName ?? "project"}`.replace(/[^A-Za-z0-9_]/g, "_");
  if (!selective) return base;
  const digest = createHash("sha256").update([...mapped.outputs.values()].sort().join("\n")).digest("hex");
  return `${base}_${digest.slice(0, 8)}`;
}

const MAX_LISTED = 20;

function describeUnmapped(tests: readonly UnmappedTest[]): string {
  const why = (t: UnmappedTest): string => (t.reason === "ephemeral" ? `${t.uniqueId} (checks ephemeral model ${t.target})` : `${t.uniqueId} (reads no model, seed, snapshot or source)`);
  const listed = tests.slice(0, MAX_LISTED).map(why).join("; ");
  const more = tests.length > MAX_LISTED ? `; and ${tests.length - MAX_LISTED} more` : "";
  return `[orch] [dbt] ${tests.length} dbt test${tests.length === 1 ? " is" : "s are"} not mapped to asset checks: ${listed}${more}. An ephemeral model has no relation, so orch has no asset to check (test the models that select from it), and a test that reads no node has no asset to attach to.`;
}

async function runDbtStep(inv: NodeInvocation, manifest: DbtManifest, mapped: MappedManifest, resourceKey: string): Promise<NodeResult> {
  const runner = inv.resources[resourceKey] as DbtRunner | undefined;
  if (!runner || typeof runner.build !== "function") {
    throw new OrchError(ErrorCode.MISSING_RESOURCE, `dbt assets need the resource "${resourceKey}" (dbtResource({ projectDir }))`, { pkg: DBT_PKG });
  }
  const selectedIds = inv.selectedOutputs.map((name) => {
    const id = mapped.outputs.get(name);
    if (!id) throw new OrchError(ErrorCode.OUTPUT_NOT_FOUND, `dbt assets have no output "${name}"`, { pkg: DBT_PKG });
    return id;
  });
  // fqn: selectors name exactly one node each (versioned models carry their version in the fqn).
  const select = selectedIds.map((id) => `fqn:${manifest.nodes.get(id)?.fqn.join(".")}`);
  const invocation = runner.build({ select, signal: inv.signal, ...(inv.timeWindow ? { timeWindow: inv.timeWindow } : {}) });
  inv.log.info(`dbt ${invocation.args.join(" ")}`);
  for await (const event of invocation) logEvent(inv, event);
  const { runResults } = await invocation.result();

  const outputs = new Map<string, NodeOutputValue>();
  const failed: string[] = [];
  for (const id of selectedIds) {
    const result = runResults.results.get(id);
    const spec = mapped.byUniqueId.get(id);
    if (!result || result.status !== "success" || !spec) {
      failed.push(`${spec?.id ?? id} (${result ? result.status : "not run"}${result?.message ? `: ${result.message.split("\n")[0]}` : ""})`);
      continue;
    }
    const value: DbtModelOutput = { relation: result.relationName ?? manifest.nodes.get(id)?.relationName ?? null, uniqueId: id, status: result.status, rowsAffected: result.rowsAffected ?? null };
    outputs.set(spec.outputName as string, {
      value,
      metadata: {
        "dbt/unique_id": id,
        ...(result.executionTime !== undefined ? { "dbt/execution_time_s": result.executionTime } : {}),
        ...(result.rowsAffected !== undefined ? { "dbt/rows_affected": result.rowsAffected } : {}),
        ...(value.relation ? { "dbt/relation_name": value.relation } : {}),
      },
    });
  }
  const checkResults: CheckResult[] = [];
  for (const { test, spec } of mapped.checks) {
    const result = runResults.results.get(test.uniqueId);
    if (!result || result.status === "skipped") continue;
    checkResults.push({
      assetKey: spec.assetKey,
      checkName: spec.name,
      passed: result.status === "pass" || result.status === "success",
      severity: result.status === "warn" ? "warn" : (test.test?.severity ?? "error"),
      blocking: spec.blocking,
      ...(result.message ? { description: result.message } : {}),
      metadata: { "dbt/unique_id": test.uniqueId, "dbt/status": result.status, ...(result.failures !== undefined ? { "dbt/failures": result.failures } : {}) },
    });
  }
  const observations = mapped.unattachedTests.flatMap((test) => {
    const result = runResults.results.get(test.uniqueId);
    if (!result) return [];
    return test.dependsOn.flatMap((parent) => {
      const spec = mapped.byUniqueId.get(parent);
      return spec && !spec.placeholder ? [{ assetKey: spec.key, metadata: { "dbt/test": test.name, "dbt/test_unique_id": test.uniqueId, "dbt/test_status": result.status } }] : [];
    });
  });
  if (failed.length === 0) return { outputs, checkResults, observations };
  // Partial success: the models that built are stored and recorded; the step then fails (without a retry, which
  // would rebuild what succeeded) and only what is downstream of the failed models is skipped.
  const failure = new OrchError(DbtErrorCode.MODELS_FAILED, `dbt build failed for ${failed.length} of ${selectedIds.length} selected models: ${failed.join("; ")}`, {
    pkg: DBT_PKG,
    details: { failed, succeeded: [...outputs.keys()] },
  });
  return { outputs, checkResults, observations, failure };
}
