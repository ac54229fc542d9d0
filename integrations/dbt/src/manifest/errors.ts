import { OrchError } from "@orch/core";
import type { z } from "zod";
import { describeValue, formatJsonPath } from "./json-path.ts";

export const DBT_PKG = "dbt";

/** Error codes raised by @orch/dbt beyond core's list. */
export const DbtErrorCode = {
  INVALID_MANIFEST: "DBT_INVALID_MANIFEST",
  UNSUPPORTED_MANIFEST_VERSION: "DBT_UNSUPPORTED_MANIFEST_VERSION",
  INVALID_RUN_RESULTS: "DBT_INVALID_RUN_RESULTS",
  INVALID_SELECTION: "DBT_INVALID_SELECTION",
  COMMAND_FAILED: "DBT_COMMAND_FAILED",
  MODELS_FAILED: "DBT_MODELS_FAILED",
  CONTRACT_NOT_FOUND: "DBT_CONTRACT_NOT_FOUND",
  UNSUPPORTED_DATA_TYPE: "DBT_UNSUPPORTED_DATA_TYPE",
  MISSING_PEER: "DBT_MISSING_PEER",
} as const;

const ARTICLE: Record<string, string> = {
  string: "a string",
  number: "a number",
  boolean: "a boolean",
  array: "an array",
  object: "an object",
  int: "an integer",
};

/**
 * Per-parse zod error map: every type mismatch reads `expected <thing>, got <what>` so messages never carry zod's
 * own wording. Schemas with a more precise expectation (`an array of strings`) set their own `error`.
 */
export const expectationErrors: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === "invalid_type") {
    return `expected ${ARTICLE[issue.expected] ?? issue.expected}, got ${describeValue(issue.input)}`;
  }
  if (issue.code === "invalid_value") return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${JSON.stringify(issue.input)}`;
  return undefined;
};

/** A zod `error` option that names the expectation precisely: `expected an array of strings, got number`. */
export function expecting(description: string): { error: (issue: { input?: unknown; code?: string }) => string } {
  return { error: (issue) => `expected ${description}, got ${describeValue(issue.input)}` };
}

/** `[orch] [dbt] manifest.json: nodes["x"].depends_on.nodes: expected ..., got ...` from the first zod issue. */
export function artifactError(code: string, artifact: string, basePath: readonly PropertyKey[], issues: readonly z.core.$ZodIssue[]): OrchError {
  const first = issues[0];
  const path = formatJsonPath([...basePath, ...(first?.path ?? [])]);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""} in the same entry)` : "";
  return new OrchError(code, `${artifact}: ${path}: ${first?.message ?? "invalid"}${more}`, {
    pkg: DBT_PKG,
    details: { artifact, path },
  });
}
