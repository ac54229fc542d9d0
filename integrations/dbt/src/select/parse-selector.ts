import { OrchError } from "@orch/core";
import { DBT_PKG, DbtErrorCode } from "../manifest/errors.ts";

/** One dbt selection criterion: `@`, `2+`, `method:value`, `+3`. */
export interface SelectorCriterion {
  readonly raw: string;
  readonly method: string;
  readonly value: string;
  /** `@model`: the model, its descendants and all ancestors of those descendants. */
  readonly childrensParents: boolean;
  /** undefined: no `+`; Infinity: `+` with no depth. */
  readonly parentsDepth?: number;
  readonly childrenDepth?: number;
}

export const SELECTOR_METHODS = [
  "fqn",
  "tag",
  "path",
  "file",
  "package",
  "config",
  "resource_type",
  "source",
  "test_name",
  "test_type",
  "group",
  "access",
  "version",
  "unique_id",
] as const;

// The same shape dbt-core's RAW_SELECTOR_PATTERN accepts.
const PATTERN = /^(?<at>@)?(?:(?<pdepth>\d*)\+)?(?:(?<method>[\w.]+):)?(?<value>.*?)(?:\+(?<cdepth>\d*))?$/;

const depth = (text: string | undefined): number | undefined => (text === undefined ? undefined : text === "" ? Infinity : Number(text));

function defaultMethod(value: string): string {
  return value.includes("/") || value.includes("\\") || /\.(sql|py|csv)$/.test(value) ? "path" : "fqn";
}

export function parseCriterion(raw: string): SelectorCriterion {
  const match = PATTERN.exec(raw);
  const groups = match?.groups;
  if (!groups || !groups["value"]) {
    throw new OrchError(DbtErrorCode.INVALID_SELECTION, `dbt selection "${raw}": expected [@][n+]method:value[+n], e.g. "tag:nightly", "+orders", "path:models/staging"`, { pkg: DBT_PKG });
  }
  const value = groups["value"];
  const method = groups["method"] ?? defaultMethod(value);
  const base = method.startsWith("config.") ? "config" : method;
  if (!(SELECTOR_METHODS as readonly string[]).includes(base)) {
    throw new OrchError(DbtErrorCode.INVALID_SELECTION, `dbt selection "${raw}": unknown method "${method}"; expected one of ${SELECTOR_METHODS.map((m) => (m === "config" ? "config.<key>" : m)).join(", ")}`, { pkg: DBT_PKG });
  }
  if (groups["at"] && groups["pdepth"] !== undefined) {
    throw new OrchError(DbtErrorCode.INVALID_SELECTION, `dbt selection "${raw}": "@" cannot be combined with a "+" on the left`, { pkg: DBT_PKG });
  }
  const parentsDepth = depth(groups["pdepth"]);
  const childrenDepth = depth(groups["cdepth"]);
  return {
    raw,
    method,
    value,
    childrensParents: Boolean(groups["at"]),
    ...(parentsDepth !== undefined ? { parentsDepth } : {}),
    ...(childrenDepth !== undefined ? { childrenDepth } : {}),
  };
}

/** `"a b,c"` → [[a], [b, c]]: space-separated unions of comma-separated intersections. Arrays are unions too. */
export function parseSelection(selection: string | readonly string[]): SelectorCriterion[][] {
  const text = typeof selection === "string" ? selection : selection.join(" ");
  return text
    .split(/\s+/)
    .filter((token) => token !== "")
    .map((token) => token.split(",").filter((part) => part !== "").map(parseCriterion));
}
