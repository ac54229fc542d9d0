import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isOrchError, OrchError } from "@orch/core";

/** Where in the user's code a load failure points. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

interface Described {
  readonly what: string;
  readonly message: string;
  readonly at?: SourceLocation;
  readonly failedImport?: string;
  readonly hint?: string;
}

/**
 * Turns whatever importing a definitions module threw (a syntax error from tsx/esbuild or Node, an import that
 * does not resolve, an error thrown by the module's top-level code) into one user error that names the file,
 * line and column, the message and the import that failed. orch's own errors (e.g. from defineDefinitions)
 * already name what is wrong and pass through unchanged.
 */
export function definitionsLoadError(modulePath: string, error: unknown): Error {
  if (isOrchError(error)) return error;
  const described = describe(error);
  const at = described.at ? ` at ${described.at.file}:${described.at.line}:${described.at.column}` : "";
  const failed = described.failedImport ? ` (import "${described.failedImport}")` : "";
  return new OrchError(
    "DEFINITIONS_LOAD_FAILED",
    `Cannot load definitions module ${modulePath}: ${described.what}${at}${failed}: ${described.message}${described.hint ? ` ${described.hint}` : ""}`,
    {
      pkg: "cli",
      cause: error,
      details: { module: modulePath, ...described.at, ...(described.failedImport ? { import: described.failedImport } : {}) },
    },
  );
}

function describe(error: unknown): Described {
  if (!(error instanceof Error)) return { what: "it threw while being imported", message: String(error) };
  const esbuild = esbuildLocation(error);
  if (esbuild) return { what: "syntax error", message: esbuild.message, at: esbuild.at };
  const code = (error as { code?: unknown }).code;
  if (code === "ERR_MODULE_NOT_FOUND" || code === "ERR_UNSUPPORTED_DIR_IMPORT" || code === "MODULE_NOT_FOUND") return unresolvedImport(error);
  if (error instanceof SyntaxError) {
    const at = nodeSyntaxLocation(error) ?? stackLocation(error);
    const missingExport = /^The requested module '([^']+)' does not provide an export named/.exec(error.message);
    if (missingExport) return { what: "an import names an export that does not exist", message: error.message, failedImport: missingExport[1]!, ...(at ? { at } : {}) };
    return { what: "syntax error", message: error.message, ...(at ? { at } : {}) };
  }
  const at = stackLocation(error);
  return { what: "it threw while being imported", message: `${error.name}: ${error.message}`, ...(at ? { at } : {}) };
}

/** tsx compiles with esbuild, whose errors carry `errors: [{ text, location: { file, line, column } }]`. */
function esbuildLocation(error: Error): { message: string; at: SourceLocation } | undefined {
  const first = (error as { errors?: Array<{ text?: string; location?: { file?: string; line?: number; column?: number } }> }).errors?.[0];
  if (first?.location?.file && first.location.line !== undefined) {
    const { file, line, column = 0 } = first.location;
    return { message: first.text ?? error.message, at: { file: resolve(file), line, column: column + 1 } };
  }
  const match = /^(.+?):(\d+):(\d+): ERROR: (.+)$/m.exec(error.message);
  if (!match) return undefined;
  return { message: match[4]!, at: { file: match[1]!, line: Number(match[2]), column: Number(match[3]) + 1 } };
}

/**
 * ESM: "Cannot find module '/p/helpers.ts' imported from /p/defs.ts"; CommonJS (a module without "type":
 * "module"): "Cannot find module './helpers.ts'\nRequire stack:\n- /p/defs.ts". Finds the import in the importer.
 */
function unresolvedImport(error: Error): Described {
  const esm = /Cannot find (?:module|package) '([^']+)' imported from (.+)$/m.exec(error.message);
  const cjs = /Cannot find module '([^']+)'\s*\nRequire stack:\n- (.+)$/m.exec(error.message);
  const match = esm ?? cjs;
  const hint = "Check the path, or install the package it names.";
  if (!match) return { what: "an import cannot be resolved", message: error.message, hint };
  const importer = match[2]!.startsWith("file:") ? fileURLToPath(match[2]!) : match[2]!;
  const missing = match[1]!.startsWith("file:") ? fileURLToPath(match[1]!) : match[1]!;
  const found = findImport(importer, missing);
  const specifier = found?.specifier ?? missing;
  const isFile = specifier.startsWith(".") || isAbsolute(specifier);
  const path = isFile ? resolve(dirname(importer), specifier) : undefined;
  const named = path && path !== specifier ? `"${specifier}" (${path})` : `"${specifier}"`;
  return {
    what: "an import cannot be resolved",
    message: `Cannot find ${isFile ? "file" : "package"} ${named}.`,
    at: found?.at ?? { file: importer, line: 1, column: 1 },
    failedImport: specifier,
    hint,
  };
}

/** The first quoted specifier in `importer` that is `missing` (a package name, or a path resolving to it). */
function findImport(importer: string, missing: string): { specifier: string; at: SourceLocation } | undefined {
  let lines: string[];
  try {
    lines = readFileSync(importer, "utf8").split("\n");
  } catch {
    return undefined;
  }
  const target = missing.startsWith("file:") ? fileURLToPath(missing) : missing;
  for (const [index, text] of lines.entries()) {
    for (const quoted of text.matchAll(/(["'])([^"'\n]+)\1/g)) {
      const specifier = quoted[2]!;
      const resolved = specifier.startsWith(".") ? resolve(dirname(importer), specifier) : specifier;
      if (resolved === target || target.startsWith(`${specifier}/`) || specifier === target) {
        return { specifier, at: { file: importer, line: index + 1, column: quoted.index + 1 } };
      }
    }
  }
  return undefined;
}

/** Node's link errors start their stack with "/p/defs.ts:1\n<source line>\n   ^^^". */
function nodeSyntaxLocation(error: SyntaxError): SourceLocation | undefined {
  const match = /^(\/[^\n]+|file:[^\n]+|[A-Za-z]:\\[^\n]+):(\d+)\n([^\n]*)\n(\s*)\^/.exec(error.stack ?? "");
  if (!match) return undefined;
  const file = match[1]!.startsWith("file:") ? fileURLToPath(match[1]!) : match[1]!;
  return { file, line: Number(match[2]), column: match[4]!.length + 1 };
}

/** The first stack frame in the user's code (not Node's internals, not an installed package). */
function stackLocation(error: Error): SourceLocation | undefined {
  for (const frame of (error.stack ?? "").split("\n").slice(1)) {
    const match = /(?:\(|at )((?:file:\/\/)?(?:\/|[A-Za-z]:\\)[^():]+):(\d+):(\d+)\)?\s*$/.exec(frame);
    if (!match || /[\\/]node_modules[\\/]/.test(match[1]!)) continue;
    const file = match[1]!.startsWith("file:") ? fileURLToPath(match[1]!) : match[1]!;
    return { file, line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}
