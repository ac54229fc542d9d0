import Ajv2020, { type ErrorObject } from "ajv/dist/2020";

/** One problem of the run config being edited, at its path as the server words it (`assets.cleaned.config.threshold`). */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Compiles the run config's JSON Schema (from `GET /api/launch/config`, derived on the server from the zod schemas)
 * into a checker of the editor's text: a JSON syntax error, or every schema problem with its path. Values written
 * as `{ env: "NAME" }` are read at run time, so they are not checked here. The server's check stays the authority.
 */
export function configChecker(schema: object): (text: string) => ConfigIssue[] {
  const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
  const validate = ajv.compile(schema);
  return (text) => {
    let value: unknown;
    try {
      value = JSON.parse(text.trim() === "" ? "{}" : text);
    } catch (error) {
      return [{ path: "(JSON)", message: (error as Error).message }];
    }
    if (validate(value)) return [];
    const seen = new Set<string>();
    const issues: ConfigIssue[] = [];
    for (const error of validate.errors ?? []) {
      const segments = pointerSegments(error.instancePath);
      if (underEnvRef(value, segments)) continue;
      const issue = describe(error, segments);
      // anyOf and oneOf repeat a problem once per branch.
      const key = `${issue.path}\n${issue.message}`;
      if (!seen.has(key)) issues.push(issue), seen.add(key);
    }
    return issues;
  };
}

function describe(error: ErrorObject, segments: readonly string[]): ConfigIssue {
  const path = (extra?: string) => [...segments, ...(extra !== undefined ? [extra] : [])].join(".") || "(root)";
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(params["additionalProperty"]);
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return { path: path(key), message: `unknown key "${key}". Known keys: ${known.join(", ") || "(none)"}.` };
    }
    case "required":
      return { path: path(String(params["missingProperty"])), message: "required" };
    case "type":
      return { path: path(), message: `expected ${String(params["type"]).replace(",", " or ")}` };
    case "enum":
      return { path: path(), message: `expected one of ${(params["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")}` };
    case "const":
      return { path: path(), message: `expected ${JSON.stringify(params["allowedValue"])}` };
    default:
      return { path: path(), message: error.message ?? error.keyword };
  }
}

/** `/assets/staging~1cleaned/config` → ["assets", "staging/cleaned", "config"] (RFC 6901). */
function pointerSegments(pointer: string): string[] {
  return pointer === "" ? [] : pointer.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Whether the value at this path, or one above it, is an `{ env: "NAME", default? }` reference. */
function underEnvRef(root: unknown, segments: readonly string[]): boolean {
  let value = root;
  for (let i = 0; ; i++) {
    if (isEnvRef(value)) return true;
    if (i === segments.length || typeof value !== "object" || value === null) return false;
    value = (value as Record<string, unknown>)[segments[i]!];
  }
}

function isEnvRef(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const ref = value as Record<string, unknown>;
  return typeof ref["env"] === "string" && Object.keys(ref).every((k) => k === "env" || k === "default");
}
