import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { openDuckDB } from "@orch/duckdb";
import { canStartTestPostgres, startTestPostgres } from "@orch/postgres/testing";
import { describe, expect, it } from "vitest";
import { tempProject, waitForOutput, type TempProject } from "./fixture.ts";

// The definitions reference `warehouse_io` without binding it, and bind `warehouse` to something that must not be
// used: orch.yaml picks DuckDB for both, so the same code runs on whatever warehouse the instance names.
const DEFS = `
import { asset, defineDefinitions } from "@orch/core";
const orders = asset({ key: "orders", ioManager: "warehouse_io", compute: () => [{ id: 1, amount: 2.5 }, { id: 2, amount: 4 }] });
const revenue = asset({
  key: "revenue",
  deps: [orders],
  resources: ["warehouse"],
  compute: async ({ resources, log }) => {
    const connection = await resources.warehouse.connect();
    const [row] = (await connection.runAndReadAll("SELECT sum(amount)::DOUBLE AS total FROM main.orders")).getRowObjectsJS();
    connection.closeSync();
    log.info("revenue " + row.total);
    return row.total;
  },
});
export default defineDefinitions({
  assets: [orders, revenue],
  resources: { warehouse: { connect: () => { throw new Error("the definitions' own warehouse was used"); } } },
});
`;

const ORCH_YAML = `module: ./defs.ts
plugins: ["@orch/duckdb"]
resources:
  warehouse: { type: duckdb, config: { path: ./lake.duckdb } }
io:
  managers:
    warehouse_io: { type: duckdb, config: { path: ./lake.duckdb } }
`;

async function tableRows(path: string, sql: string): Promise<unknown[]> {
  const database = await openDuckDB({ path, readOnly: true });
  try {
    const connection = await database.connect();
    return (await connection.runAndReadAll(sql)).getRowObjectsJS();
  } finally {
    database.release();
  }
}

describe("orch.yaml resources and IO managers", () => {
  it("materializes into a real DuckDB file through the IO manager orch.yaml picks, and says which key it replaced", async () => {
    const project = await tempProject(ORCH_YAML, DEFS);
    // Run from a subfolder: relative paths are orch.yaml's, not the working directory's.
    await mkdir(join(project.dir, "sub"));
    const result = await project.run(["materialize", "--select", "*"], {}, "sub");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/ SUCCESS\n$/);
    expect(result.stderr).toMatch(/Resource "warehouse" is bound by .*orch\.yaml:4:\d+ \(type duckdb\), in place of the definitions' own "warehouse"\./);
    expect(result.stderr).toContain("revenue 6.5");
    const validate = await project.run(["definitions", "validate"]);
    expect(validate.stdout).toMatch(/ {2}replaced {3}resource "warehouse" is bound by .*orch\.yaml:4:\d+ \(type duckdb\), in place of the definitions' own "warehouse"\n/);
    expect(await tableRows(join(project.dir, "lake.duckdb"), "SELECT id::INTEGER AS id, amount FROM main.orders ORDER BY id")).toEqual([
      { id: 1, amount: 2.5 },
      { id: 2, amount: 4 },
    ]);
  }, 60_000);

  it("refuses an unknown type, listing the registered names, before any run is created", async () => {
    const project = await tempProject(ORCH_YAML.replace("warehouse_io: { type: duckdb", "warehouse_io: { type: duckbd"), DEFS);
    const result = await project.run(["materialize", "--select", "*"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/orch\.yaml:7:\d+: io\.managers\.warehouse_io\.type "duckbd" is not registered\. Registered: duckdb\./);
    expect(await runCount(project)).toBe(0);
  }, 60_000);

  it("refuses an unknown config key with the closest key and its orch.yaml line", async () => {
    const project = await tempProject(ORCH_YAML.replace("warehouse: { type: duckdb, config: { path:", "warehouse: { type: duckdb, config: { pth:"), DEFS);
    const result = await project.run(["materialize", "--select", "*"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/orch\.yaml:4:\d+ resources\.warehouse\.config\.pth: unknown key "pth"\. Did you mean "path"\?/);
    expect(await runCount(project)).toBe(0);
  }, 60_000);

  it("refuses an asset whose IO manager key is bound nowhere, naming the asset and the key", async () => {
    const project = await tempProject(ORCH_YAML.split("io:\n")[0]!, DEFS);
    const result = await project.run(["materialize", "--select", "*"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Asset "orders" uses IO manager "warehouse_io", which is not defined. Defined IO managers: io.');
    expect(result.stderr).toContain("under `io.managers:` in");
    expect(await runCount(project)).toBe(0);
  }, 60_000);

  it("binds them in worker threads too (threads executor), reading { env } values there", async () => {
    const plugin = `
import { defineResource, definePlugin } from "@orch/core";
import { z } from "zod";
const greeter = defineResource({ config: z.object({ word: z.string() }), create: (config) => ({ word: config.word }) });
export default definePlugin({ name: "greetings", core: "^0.1.0", resources: { greeter } });
`;
    const defs = `
import { writeFileSync } from "node:fs";
import { isMainThread } from "node:worker_threads";
import { asset, defineDefinitions } from "@orch/core";
const hello = asset({ key: "hello", resources: ["greeting"], compute: ({ resources }) => {
  writeFileSync(new URL("./hello.json", import.meta.url), JSON.stringify({ word: resources.greeting.word, inWorker: !isMainThread }));
  return 1;
} });
export default defineDefinitions({ assets: [hello] });
`;
    const yaml = `module: ./defs.ts
plugins: ["@orch/threads", "./greetings.ts"]
executor: { type: threads, config: { maxThreads: 1 } }
resources:
  greeting: { type: greeter, config: { word: { env: GREETING_WORD } } }
`;
    const project = await tempProject(yaml, defs);
    await writeFile(join(project.dir, "greetings.ts"), plugin);
    const result = await project.run(["materialize", "--select", "hello"], { GREETING_WORD: "bonjour" });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(project.dir, "hello.json"), "utf8"))).toEqual({ word: "bonjour", inWorker: true });
  }, 60_000);
});

// A resource (its config from the environment) and an IO manager from a project plugin, on a filesystem every
// worker shares: steps run on `orch worker` processes through the PostgreSQL step queue.
const SHELF_PLUGIN = `
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defineResource, definePlugin } from "@orch/core";
import { z } from "zod";
const greeter = defineResource({ config: z.object({ word: z.string() }), create: (config) => ({ word: config.word }) });
export default definePlugin({ name: "shelf", core: "^0.1.0", resources: { greeter }, ioManagers: { shelf: {
  config: z.object({ dir: z.string() }).strict(),
  create: (config, context) => {
    const root = join(context.baseDir, config.dir);
    mkdirSync(root, { recursive: true });
    return {
      handleOutput: async (ctx, value) => void writeFileSync(join(root, ctx.assetKey.join("_") + ".json"), JSON.stringify({ value, pid: process.pid })),
      loadInput: async (ctx) => JSON.parse(readFileSync(join(root, ctx.upstreamOutput.assetKey.join("_") + ".json"), "utf8")).value,
    };
  },
} } });
`;

describe.skipIf(!canStartTestPostgres())("orch.yaml resources and IO managers on orch worker processes", () => {
  it("binds them for steps run through the PostgreSQL step queue", async () => {
    const postgres = await startTestPostgres();
    const defs = `
import { asset, defineDefinitions } from "@orch/core";
const a = asset({ key: "a", ioManager: "shelf", resources: ["greeting"], compute: ({ resources }) => resources.greeting.word });
const b = asset({ key: "b", ins: { a }, ioManager: "shelf", compute: ({ ins }) => ins.a + "!" });
export default defineDefinitions({ assets: [a, b] });
`;
    const pg = "{ url: { env: ORCH_PG_URL }, schema: bindings }";
    const yaml = [
      "module: ./defs.ts",
      'plugins: ["@orch/postgres", "./shelf.ts"]',
      `storage: { type: postgres, config: ${pg} }`,
      `executor: { type: queue, config: ${pg} }`,
      "resources:",
      "  greeting: { type: greeter, config: { word: { env: WORD } } }",
      "io:",
      "  managers:",
      "    shelf: { type: shelf, config: { dir: shelf } }",
      "",
    ].join("\n");
    const project = await tempProject(yaml, defs);
    await writeFile(join(project.dir, "shelf.ts"), SHELF_PLUGIN);
    const env = { ORCH_PG_URL: postgres.url, WORD: "hola" };
    const worker = project.spawn(["worker", "--concurrency", "2"], env);
    try {
      await waitForOutput(worker, "orch worker: started", 30_000);
      const result = await project.run(["materialize", "--select", "*"], env);
      expect(result.code, result.stderr).toBe(0);
      const stored = (key: string) => JSON.parse(readFileSync(join(project.dir, "shelf", `${key}.json`), "utf8"));
      expect(stored("b")).toEqual({ value: "hola!", pid: worker.pid });
      expect(stored("a").pid).toBe(worker.pid);
    } finally {
      worker.kill("SIGTERM");
      await new Promise((resolve) => worker.once("close", resolve));
      await postgres.stop();
    }
  }, 120_000);
});

async function runCount(project: TempProject): Promise<number> {
  const storage = project.instance();
  try {
    return (await storage.listRuns()).length;
  } finally {
    await storage.close();
  }
}
