import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { isDefinitions, type Definitions } from "@orch/core";
import { UsageError } from "./exit-codes.ts";
import { definitionsLoadError } from "./load-error.ts";

/**
 * Imports a TypeScript or JavaScript definitions module (tsx is registered by the bin shim, so no build step)
 * and returns its default export or its `definitions` export. A module that cannot be imported is a user error
 * naming the file, line and column (see load-error.ts).
 */
export async function loadDefinitions(modulePath: string): Promise<Definitions> {
  const path = resolve(modulePath);
  if (!existsSync(path)) throw new UsageError(`[orch] [cli] Definitions module ${path} does not exist.`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw definitionsLoadError(path, error);
  }
  for (const candidate of [mod["default"], mod["definitions"]]) {
    if (isDefinitions(candidate)) return candidate;
  }
  const exported = Object.keys(mod).join(", ") || "(nothing)";
  throw new UsageError(
    `[orch] [cli] ${path} has no definitions: export them as the default export or as \`definitions\` (made with defineDefinitions()). It exports: ${exported}.`,
  );
}
