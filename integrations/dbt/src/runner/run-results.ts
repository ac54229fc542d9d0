import { readFileSync } from "node:fs";
import { OrchError } from "@orch/core";
import { z } from "zod";
import { artifactError, DBT_PKG, DbtErrorCode, expectationErrors } from "../manifest/errors.ts";
import { parseSchemaVersion } from "../manifest/versions.ts";

const timing = z.looseObject({ name: z.string(), started_at: z.string().nullish(), completed_at: z.string().nullish() });

// run_results v4–v6 share these fields; v5 added relation_name/compiled_code, v6 batch_results. Rest passes through.
const result = z.looseObject({
  unique_id: z.string(),
  status: z.string(),
  timing: z.array(timing).nullish(),
  thread_id: z.string().nullish(),
  execution_time: z.number().nullish(),
  adapter_response: z.record(z.string(), z.unknown()).nullish(),
  message: z.string().nullish(),
  failures: z.number().nullish(),
  relation_name: z.string().nullish(),
});

const runResults = z.looseObject({
  metadata: z.looseObject({ dbt_schema_version: z.string(), dbt_version: z.string().nullish(), invocation_id: z.string().nullish() }),
  results: z.array(result),
  elapsed_time: z.number().nullish(),
});

export interface DbtNodeResult {
  readonly uniqueId: string;
  /** success, error, skipped (models); pass, fail, warn, error (tests). */
  readonly status: string;
  readonly message?: string;
  readonly failures?: number;
  readonly executionTime?: number;
  readonly rowsAffected?: number;
  readonly relationName?: string;
  readonly startedAt?: string;
  readonly completedAt?: string;
}

export interface DbtRunResults {
  readonly schemaVersion: number;
  readonly invocationId?: string;
  readonly elapsedTime?: number;
  readonly results: ReadonlyMap<string, DbtNodeResult>;
}

export function parseRunResults(doc: unknown, artifact = "run_results.json"): DbtRunResults {
  const version = parseSchemaVersion((doc as { metadata?: { dbt_schema_version?: unknown } } | null)?.metadata?.dbt_schema_version, "run-results");
  if (version === undefined || version < 4 || version > 6) {
    const got = (doc as { metadata?: { dbt_schema_version?: unknown } } | null)?.metadata?.dbt_schema_version;
    throw new OrchError(DbtErrorCode.INVALID_RUN_RESULTS, `${artifact}: metadata.dbt_schema_version: expected a run-results schema v4 to v6, got ${got === undefined ? "nothing" : JSON.stringify(got)}`, { pkg: DBT_PKG });
  }
  const parsed = runResults.safeParse(doc, { error: expectationErrors });
  if (!parsed.success) throw artifactError(DbtErrorCode.INVALID_RUN_RESULTS, artifact, [], parsed.error.issues);
  const results = new Map<string, DbtNodeResult>();
  for (const r of parsed.data.results) {
    const rows = r.adapter_response?.["rows_affected"];
    const execute = r.timing?.find((t) => t.name === "execute");
    results.set(r.unique_id, {
      uniqueId: r.unique_id,
      status: r.status,
      ...(r.message ? { message: r.message } : {}),
      ...(typeof r.failures === "number" ? { failures: r.failures } : {}),
      ...(typeof r.execution_time === "number" ? { executionTime: r.execution_time } : {}),
      ...(typeof rows === "number" ? { rowsAffected: rows } : {}),
      ...(r.relation_name ? { relationName: r.relation_name } : {}),
      ...(execute?.started_at ? { startedAt: execute.started_at } : {}),
      ...(execute?.completed_at ? { completedAt: execute.completed_at } : {}),
    });
  }
  return {
    schemaVersion: version,
    ...(parsed.data.metadata.invocation_id ? { invocationId: parsed.data.metadata.invocation_id } : {}),
    ...(typeof parsed.data.elapsed_time === "number" ? { elapsedTime: parsed.data.elapsed_time } : {}),
    results,
  };
}

export function loadRunResults(path: string): DbtRunResults {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new OrchError(DbtErrorCode.INVALID_RUN_RESULTS, `${path}: cannot read dbt's run results: ${(cause as Error).message}`, { pkg: DBT_PKG, cause, details: { artifact: path } });
  }
  return parseRunResults(doc, path);
}
