import { pathToFileURL } from "node:url";
import { isDefinitions, OrchError, type Definitions } from "@orch/core";

const TYPESCRIPT = /\.(m|c)?tsx?$/;
/** Errors that mean Node's own type stripping could not load the file, but tsx might. */
const NATIVE_TS_FAILURES = new Set([
  "ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX",
  "ERR_INVALID_TYPESCRIPT_SYNTAX",
  "ERR_UNKNOWN_FILE_EXTENSION",
  "ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING",
  "ERR_MODULE_NOT_FOUND",
  "ERR_UNSUPPORTED_DIR_IMPORT",
]);

/**
 * Imports the user's definitions module in this worker: natively first (Node 24 strips types from .ts files
 * outside node_modules), then through tsx for TypeScript that native stripping refuses (enums, extensionless
 * imports, path aliases). The Definitions object is the default export or the export named `definitions`.
 */
export async function loadDefinitions(modulePath: string): Promise<Definitions> {
  const url = pathToFileURL(modulePath).href;
  let mod: Record<string, unknown>;
  try {
    mod = await import(url);
  } catch (error) {
    if (!TYPESCRIPT.test(modulePath) || !isNativeTsFailure(error)) throw loadFailed(modulePath, error);
    mod = await importWithTsx(url, modulePath, error);
  }
  if (isDefinitions(mod["default"])) return mod["default"];
  if (isDefinitions(mod["definitions"])) return mod["definitions"];
  const exported = Object.keys(mod).join(", ") || "(nothing)";
  throw new OrchError(
    "INVALID_DEFINITIONS_MODULE",
    `Definitions module "${modulePath}" must export its Definitions (from defineDefinitions()) as the default export or as "definitions"; it exports: ${exported}.`,
    { pkg: "threads", details: { module: modulePath } },
  );
}

function isNativeTsFailure(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return (typeof code === "string" && NATIVE_TS_FAILURES.has(code)) || error instanceof SyntaxError;
}

async function importWithTsx(url: string, modulePath: string, nativeError: unknown): Promise<Record<string, unknown>> {
  let tsImport: (specifier: string, parent: string) => Promise<Record<string, unknown>>;
  try {
    ({ tsImport } = (await import("tsx/esm/api")) as unknown as { tsImport: typeof tsImport });
  } catch {
    throw loadFailed(modulePath, nativeError, " Node's type stripping could not load it and tsx is not installed (npm install tsx).");
  }
  try {
    return await tsImport(url, import.meta.url);
  } catch (error) {
    throw loadFailed(modulePath, error);
  }
}

function loadFailed(modulePath: string, cause: unknown, hint = ""): OrchError {
  return new OrchError(
    "DEFINITIONS_LOAD_FAILED",
    `A worker thread could not load definitions module "${modulePath}": ${(cause as Error)?.message ?? String(cause)}${hint}`,
    { pkg: "threads", cause, details: { module: modulePath } },
  );
}
