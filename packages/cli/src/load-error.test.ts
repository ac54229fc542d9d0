import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isOrchError, OrchError } from "@orch/core";
import { describe, expect, it } from "vitest";
import { definitionsLoadError } from "./load-error.ts";

// The forms below are the ones Node's ES module loader produces (a definitions module with "type": "module");
// the CommonJS and tsx forms are exercised end to end by test/cli-project.test.ts.
describe("definitionsLoadError", () => {
  const dir = mkdtempSync(join(tmpdir(), "orch-load-error-"));
  const defs = join(dir, "defs.ts");
  writeFileSync(defs, 'import { asset } from "@orch/core";\nimport { helper } from "./lib/helper.ts";\nexport default helper(asset);\n');

  it("names the import statement an ES module could not resolve", () => {
    const error = Object.assign(new Error(`Cannot find module '${join(dir, "lib/helper.ts")}' imported from ${defs}`), { code: "ERR_MODULE_NOT_FOUND" });
    const wrapped = definitionsLoadError(defs, error);
    expect(isOrchError(wrapped, "DEFINITIONS_LOAD_FAILED")).toBe(true);
    expect(wrapped.message).toBe(
      `[orch] [cli] Cannot load definitions module ${defs}: an import cannot be resolved at ${defs}:2:24 (import "./lib/helper.ts"): Cannot find file "./lib/helper.ts" (${join(dir, "lib/helper.ts")}). Check the path, or install the package it names.`,
    );
    expect((wrapped as OrchError).details).toMatchObject({ module: defs, file: defs, line: 2, column: 24, import: "./lib/helper.ts" });
    expect(wrapped.cause).toBe(error);
  });

  it("points at a missing named export from Node's link error", () => {
    const error = new SyntaxError("The requested module './lib/helper.ts' does not provide an export named 'helper'");
    error.stack = `${defs}:2\nimport { helper } from "./lib/helper.ts";\n         ^^^^^^\nSyntaxError: ${error.message}\n    at ModuleJob._instantiate (node:internal/modules/esm/module_job:180:21)`;
    expect(definitionsLoadError(defs, error).message).toContain(
      `an import names an export that does not exist at ${defs}:2:10 (import "./lib/helper.ts"): The requested module './lib/helper.ts' does not provide an export named 'helper'`,
    );
  });

  it("reads esbuild's error location (1-based column) and leaves orch's own errors alone", () => {
    const esbuild = Object.assign(new Error("Transform failed with 1 error"), { errors: [{ text: 'Expected ";" but found "x"', location: { file: defs, line: 3, column: 7 } }] });
    expect(definitionsLoadError(defs, esbuild).message).toContain(`syntax error at ${defs}:3:8: Expected ";" but found "x"`);
    const own = new OrchError("DUPLICATE_ASSET_KEY", 'Asset key "a" is defined twice');
    expect(definitionsLoadError(defs, own)).toBe(own);
  });

  it("takes the first stack frame in the user's code for a throw, skipping Node and node_modules", () => {
    const error = new TypeError("config is undefined");
    error.stack = `TypeError: config is undefined\n    at read (${dir}/node_modules/lib/index.js:3:9)\n    at file://${defs}:3:16\n    at ModuleJob.run (node:internal/modules/esm/module_job:271:25)`;
    expect(definitionsLoadError(defs, error).message).toContain(`it threw while being imported at ${defs}:3:16: TypeError: config is undefined`);
  });
});
