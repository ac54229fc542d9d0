import type { DbtNode } from "../manifest/model.ts";
import { globMatch as coreGlobMatch } from "@orch/core";

// dbt's values are fnmatch patterns (`*`, `?`, `[...]`), matched by core's one glob matcher.
const globMatch = (text: string, pattern: string): boolean => coreGlobMatch(text, pattern, "fnmatch");

/** Does `node` match one selection method (dbt-core's selector_methods.py, the parts orch supports)? */
export type MethodMatcher = (node: DbtNode, value: string, configKey?: string) => boolean;

// dbt's FQN rule: the leaf name (or versioned `name.v2` / `name_v2`), else a dotted prefix of the flattened fqn.
function fqnMatch(node: DbtNode, selector: string): boolean {
  const fqn = node.fqn;
  const parts = selector.split(".");
  if (node.version !== undefined && fqn.length >= 2) {
    const [name, v] = [fqn[fqn.length - 2] as string, fqn[fqn.length - 1] as string];
    if (globMatch(name, selector) || globMatch(`${name}_${v}`, selector)) return true;
    if (parts.length >= 2 && globMatch(name, parts[parts.length - 2] as string) && globMatch(v, parts[parts.length - 1] as string)) return true;
  } else if (fqn.length > 0 && globMatch(fqn[fqn.length - 1] as string, selector)) {
    return true;
  }
  const flat = fqn.flatMap((segment) => segment.split("."));
  if (flat.length < parts.length) return false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (part === "*") return true;
    if (!globMatch(flat[i] as string, part)) return false;
  }
  return true;
}

function pathMatch(node: DbtNode, value: string): boolean {
  const target = value.replace(/\\/g, "/").replace(/\/+$/, "").replace(/^\.\//, "");
  const path = node.originalFilePath;
  return globMatch(path, target) || path.startsWith(`${target}/`);
}

function configMatch(node: DbtNode, value: string, key = ""): boolean {
  const actual = key.split(".").reduce<unknown>((obj, k) => (obj && typeof obj === "object" ? (obj as Record<string, unknown>)[k] : undefined), node.config);
  const one = (v: unknown): boolean => (v === null || v === undefined ? false : globMatch(String(v), value));
  return Array.isArray(actual) ? actual.some(one) : one(actual);
}

function sourceMatch(node: DbtNode, value: string): boolean {
  if (node.resourceType !== "source") return false;
  const parts = value.split(".");
  const [a, b, c] = parts;
  if (parts.length === 1) return globMatch(node.sourceName ?? "", a as string);
  if (parts.length === 2) return globMatch(node.sourceName ?? "", a as string) && globMatch(node.name, b as string);
  return globMatch(node.packageName, a as string) && globMatch(node.sourceName ?? "", b as string) && globMatch(node.name, c as string);
}

function testType(node: DbtNode): string | undefined {
  if (node.resourceType === "unit_test") return "unit";
  if (node.resourceType !== "test") return undefined;
  return node.test?.testName ? "generic" : "singular";
}

export const METHODS: Record<string, MethodMatcher> = {
  fqn: fqnMatch,
  tag: (node, value) => node.tags.some((tag) => globMatch(tag, value)),
  path: pathMatch,
  file: (node, value) => globMatch(node.originalFilePath.split("/").pop() ?? "", value) || globMatch((node.originalFilePath.split("/").pop() ?? "").replace(/\.[^.]+$/, ""), value),
  package: (node, value) => globMatch(node.packageName, value),
  config: configMatch,
  resource_type: (node, value) => node.resourceType === value,
  source: sourceMatch,
  test_name: (node, value) => node.test?.testName !== undefined && globMatch(node.test.testName, value),
  test_type: (node, value) => {
    const type = testType(node);
    return type !== undefined && (type === value || (value === "data" && type !== "unit"));
  },
  group: (node, value) => node.group !== undefined && globMatch(node.group, value),
  access: (node, value) => node.access === value,
  version: (node, value) => {
    if (node.version === undefined) return value === "none";
    if (value === "latest") return node.latestVersion === undefined || node.version === node.latestVersion;
    if (value === "old") return node.latestVersion !== undefined && Number(node.version) < Number(node.latestVersion);
    if (value === "prerelease") return node.latestVersion !== undefined && Number(node.version) > Number(node.latestVersion);
    return node.version === value;
  },
  unique_id: (node, value) => globMatch(node.uniqueId, value),
};
