import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempProject } from "./fixture.ts";

describe("orch inspection and maintenance commands", () => {
  it("definitions validate prints a summary", async () => {
    const project = await tempProject();
    const result = await project.run(["definitions", "validate"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      [
        `Definitions in ${join(project.dir, "defs.ts")} are valid.`,
        "  assets     4",
        "  groups     3: default (1), reporting (1), sales (2)",
        "  resources  1: warehouse",
        "  jobs       1: sales_job",
        "  executor   in_process",
        "",
      ].join("\n"),
    );
  });

  it("asset show lists history; asset wipe clears the index and the stored file", async () => {
    const project = await tempProject();
    const first = await project.run(["materialize", "--select", "raw/orders"]);
    const runId = first.stdout.trim().split(" ")[0]!;
    const shown = await project.run(["asset", "show", "raw/orders"]);
    expect(shown.code, shown.stderr).toBe(0);
    const file = join(project.dir, ".orch", "storage", "raw", "orders.json");
    expect(shown.stdout).toMatch(
      new RegExp(`^Asset raw/orders\\n  group     sales\\n\\nMaterializations \\(newest first, up to 10\\):\\n  \\S+ \\S+Z  run ${runId}\\n      path: ${file}\\n      bytes: \\d+\\n      format: json\\n$`),
    );

    expect(existsSync(file)).toBe(true);
    const wiped = await project.run(["asset", "wipe", "raw/orders"]);
    expect(wiped.stdout).toBe('Wiped raw/orders (index and stored values in IO manager "io")\n');
    expect(existsSync(file)).toBe(false);
    expect((await project.run(["asset", "show", "raw/orders"])).stdout).toContain("Never materialized.");

    const unknown = await project.run(["asset", "show", "raw/order"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Asset "raw/order" is not defined. Did you mean "raw/orders"?');
  });

  it("instance info and prune", async () => {
    const project = await tempProject();
    await project.run(["materialize", "--select", "raw/orders"]);
    const info = await project.run(["instance", "info"]);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toContain(`storage      sqlite ${join(project.dir, ".orch", "orch.db")}`);
    expect(info.stdout).toMatch(/^schema {7}v\d+$/m);
    expect(info.stdout).toMatch(/^db size {6}[\d.]+ (B|KiB|MiB)$/m);
    expect(info.stdout).toContain("runs         1 (SUCCESS 1)");

    const kept = await project.run(["instance", "prune", "--before", "2000-01-01"]);
    expect(kept.stdout).toBe("Deleted 0 runs created before 2000-01-01 00:00:00Z, with their events.\n");
    const pruned = await project.run(["instance", "prune", "--before", "2999-01-01"]);
    expect(pruned.stdout).toBe("Deleted 1 run created before 2999-01-01 00:00:00Z, with their events.\n");
    expect((await project.run(["runs", "list"])).stdout).toBe("No runs.\n");
  });

  it("ORCH_HOME moves the instance and the stored outputs", async () => {
    const project = await tempProject();
    const home = join(project.dir, "elsewhere");
    const result = await project.run(["materialize", "--select", "raw/orders"], { ORCH_HOME: home });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(join(home, "orch.db"))).toBe(true);
    expect(existsSync(join(home, "storage", "raw", "orders.json"))).toBe(true);
    expect(existsSync(join(project.dir, ".orch"))).toBe(false);
  });
});

describe("orch usage and config errors exit 2 with one paragraph", () => {
  it("unknown commands and options", async () => {
    const project = await tempProject();
    const bad = await project.run(["materialise"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("error: unknown command 'materialise'");
    const flag = await project.run(["runs", "list", "--status", "DONE"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/argument 'DONE' is invalid. Allowed choices are QUEUED, /);
    expect((await project.run(["--help"])).code).toBe(0);
  });

  it("a bad selection names the problem without a stack trace unless --verbose", async () => {
    const project = await tempProject();
    const quiet = await project.run(["materialize", "--select", "nope"]);
    expect(quiet.code).toBe(2);
    expect(quiet.stderr).toContain('Unknown asset "nope"');
    expect(quiet.stderr).not.toMatch(/^\s+at /m);
    const verbose = await project.run(["materialize", "--select", "nope", "--verbose"]);
    expect(verbose.stderr).toMatch(/^\s+at /m);
  });

  it("orch.yaml problems are listed with their YAML paths; unknown storages list the registered ones", async () => {
    const bad = await tempProject("module: ./defs.ts\nruns:\n  heartbeatMs: soon\nretension: 1\n");
    const result = await bad.run(["runs", "list"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${join(bad.dir, "orch.yaml")} has 2 problems:`);
    expect(result.stderr).toMatch(/orch\.yaml:3:16 runs\.heartbeatMs: Invalid input: expected number/);
    expect(result.stderr).toMatch(/orch\.yaml:4:12 retension: unknown key "retension"\. Did you mean "retention"\?/);

    const storage = await tempProject("storage:\n  type: postgres\n");
    const unknown = await storage.run(["instance", "info"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('orch.yaml:2:9: storage.type "postgres" is not registered. Registered: memory, sqlite.');

    const plugin = await tempProject("plugins: ['@orch/not-a-plugin']\n");
    const missing = await plugin.run(["instance", "info"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('plugin "@orch/not-a-plugin" cannot be found');
  });

  it("no definitions module, or a module without definitions", async () => {
    const none = await tempProject("");
    const result = await none.run(["definitions", "validate"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("No definitions module: pass -m path/to/defs.ts");
    const withFlag = await none.run(["-m", "defs.ts", "definitions", "validate"]);
    expect(withFlag.code, withFlag.stderr).toBe(0);

    const empty = await tempProject("module: ./defs.ts\n", "export const x = 1;\n");
    const wrong = await empty.run(["asset", "list"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("has no definitions: export them as the default export or as `definitions`");
  });

  it("builds the loggers orch.yaml lists from a plugin module, and passes them every run event", async () => {
    const project = await tempProject("module: ./defs.ts\nplugins:\n  - ./file-logger.ts\nloggers:\n  - type: file\n    config:\n      path: events.log\n");
    await writeFile(
      join(project.dir, "file-logger.ts"),
      `import { appendFileSync } from "node:fs";
import { resolve } from "node:path";
import { definePlugin } from "@orch/core";
import { z } from "zod";
export default definePlugin({
  name: "file-logger",
  core: "^0.1.0",
  loggers: {
    file: {
      config: z.object({ path: z.string() }),
      create: (config: { path: string }, context: { baseDir: string }) => ({ name: "file", handle: (event: { type: string }) => appendFileSync(resolve(context.baseDir, config.path), event.type + "\\n") }),
    },
  },
});
`,
    );
    const result = await project.run(["materialize", "--select", "raw/orders"]);
    expect(result.code, result.stderr).toBe(0);
    const lines = readFileSync(join(project.dir, "events.log"), "utf8").trim().split("\n");
    expect(lines[0]).toBe("RUN_START");
    expect(lines).toContain("ASSET_MATERIALIZATION");
    expect(lines.at(-1)).toBe("RUN_SUCCESS");

    await writeFile(join(project.dir, "orch.yaml"), "module: ./defs.ts\nloggers:\n  - type: file\n");
    const unknown = await project.run(["materialize", "--select", "raw/orders"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('loggers[0].type "file" is not registered.');
  });
});
