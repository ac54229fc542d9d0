// The published packages as a user gets them: every publishable workspace is packed with `npm pack` (prepack
// builds dist/), and projects in a temporary directory outside the repository install the tarballs.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { npmInstall, run } from "./commands.ts";
import { installedPackages, nativePackages } from "./installed-tree.ts";
import { packAll, useTarballs, type Packed } from "./pack.ts";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const PROJECT_FILES = fileURLToPath(new URL("../project/", import.meta.url));
const MANIFEST_GZ = join(REPO, "integrations/dbt/test/fixtures/manifests/jaffle_shop-v12.json.gz");
/** What installing @orch/core alone must not bring: cloud SDKs, Polars, Arrow and anything with a native addon. */
const HEAVY = [/^@slack\//, /^@datadog\//, /^@google-cloud\//, /^@aws-sdk\//, /^@azure\//, /^snowflake-sdk$/, /^nodejs-polars/, /^apache-arrow$/, /^@duckdb\//, /^better-sqlite3$/];

let root: string;
let packed: Packed;
let app: string;

const writeJson = (path: string, value: unknown) => writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "orch-consumer-"));
  mkdirSync(join(root, "tarballs"));
  packed = await packAll(REPO, join(root, "tarballs"));

  // The project of the first four checks: depends on the tarballs of @orch/core, @orch/cli and @orch/dbt only.
  app = join(root, "app");
  mkdirSync(app);
  for (const file of ["run.js", "order-summary.ts", "defs.ts", "types.ts", "tsconfig.json", "tsconfig.core.json"]) copyFileSync(join(PROJECT_FILES, file), join(app, file));
  writeFileSync(join(app, "manifest.json"), gunzipSync(readFileSync(MANIFEST_GZ)));
  const pkg = {
    name: "orch-consumer",
    version: "1.0.0",
    private: true,
    type: "module",
    dependencies: { "@orch/cli": "*", "@orch/core": "*", "@orch/dbt": "*" },
    devDependencies: { "@types/node": "^24.0.0", typescript: "^7.0.2" },
  };
  writeJson(join(app, "package.json"), useTarballs(pkg, packed.tarballs));
  await npmInstall(app);
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("the packed tarballs", () => {
  it("hold the dist/ build that their exports point at", () => {
    expect([...packed.files.keys()]).toEqual(expect.arrayContaining(["@orch/core", "@orch/cli", "@orch/dbt", "@orch/sqlite"]));
    for (const [name, files] of packed.files) {
      const pkg = packed.manifests.get(name)!;
      const targets = Object.values(pkg.exports ?? {}).flatMap((target) => (typeof target === "string" ? [] : Object.entries(target as Record<string, string>)));
      for (const [condition, path] of targets) {
        if (condition !== "@orch/source") expect(files, `${name} ${condition}`).toContain(path.replace(/^\.\//, ""));
      }
    }
  });
});

describe("a project outside the repository, installed from the tarballs", () => {
  it("runs a plain .js script with node: a dbt manifest becomes assets and a TypeScript asset materializes", async () => {
    expect(existsSync(join(app, "node_modules", "@orch", "sqlite")), "@orch/cli's own @orch dependency came from its tarball").toBe(true);
    const ran = await run(process.execPath, ["run.js"], app);
    expect(ran.code, ran.stderr).toBe(0);
    const result = JSON.parse(ran.stdout.trim().split("\n").at(-1)!);
    const manifest = JSON.parse(readFileSync(join(app, "manifest.json"), "utf8")) as { nodes: Record<string, { resource_type: string; package_name: string; name: string }> };
    const dbtNodes = Object.values(manifest.nodes).filter((n) => ["model", "seed", "snapshot"].includes(n.resource_type) && n.package_name === "jaffle_shop");
    expect(result.dbtKeys).toEqual(dbtNodes.map((n) => n.name).sort());
    expect(result.dbtKeys).toContain("customers");
    expect(result.graphKeys).toBe(dbtNodes.length + 2);
    expect(result).toMatchObject({ status: "SUCCESS", steps: ["raw/orders", "order_summary"], metadata: { revenue: 42.5, threadId: 0 } });
  });

  it("npx orch -m defs.ts materialize runs the published CLI on a TypeScript module, with the instance in the project", async () => {
    const version = await run("npx", ["orch", "--version"], app);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(app, "node_modules/@orch/core/package.json"), "utf8")).version);
    const ran = await run("npx", ["orch", "-m", "defs.ts", "materialize"], app);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout.trim()).toMatch(/^[0-9a-f-]{36} SUCCESS$/);
    expect(ran.stderr).toMatch(/materialized order_summary \(bytes=\d+, revenue=42\.5, threadId=0\)/);
    expect(existsSync(join(app, ".orch", "orch.db"))).toBe(true);
    // The installed CLI runs its dist/ build, not the TypeScript sources shipped beside it.
    const stack = await run("npx", ["orch", "-m", "missing.ts", "materialize", "--verbose"], app);
    expect(stack.code).toBe(2);
    expect(stack.stderr).toMatch(/node_modules\/@orch\/cli\/dist\/load-definitions\.js/);
  });

  it("tsc type-checks the project against the published .d.ts files", async () => {
    const ran = await run("npx", ["tsc", "-p", "tsconfig.json"], app);
    expect(ran.code, `${ran.stdout}${ran.stderr}`).toBe(0);
    const withLibs = await run("npx", ["tsc", "-p", "tsconfig.core.json"], app);
    expect(withLibs.code, `${withLibs.stdout}${withLibs.stderr}`).toBe(0);
    expect(readFileSync(join(app, "node_modules/@orch/core/package.json"), "utf8")).toContain('"types": "./dist/index.d.ts"');
  });

  it("@orch/core alone installs no cloud SDK, no Polars, no Arrow and no native module", async () => {
    const coreOnly = join(root, "core-only");
    mkdirSync(coreOnly);
    writeJson(join(coreOnly, "package.json"), useTarballs({ name: "core-only", version: "1.0.0", private: true, type: "module", dependencies: { "@orch/core": "*" } }, packed.tarballs));
    await npmInstall(coreOnly);
    const names = await installedPackages(coreOnly);
    expect(names).toContain("@orch/core");
    expect(names).toContain("zod");
    expect([...names].filter((name) => HEAVY.some((pattern) => pattern.test(name)))).toEqual([]);
    expect([...names].filter((name) => name.startsWith("@orch/") && name !== "@orch/core")).toEqual([]);
    expect(nativePackages(coreOnly)).toEqual([]);
    // The same detector does see the native module the CLI brings (SQLite), so the empty list above means something.
    expect(nativePackages(app)).toContain("better-sqlite3");
    const ran = await run(process.execPath, ["--input-type=module", "-e", 'import { CORE_VERSION } from "@orch/core"; console.log(CORE_VERSION)'], coreOnly);
    expect(ran.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("the published @orch/threads runs steps on worker threads that load a TypeScript definitions module", async () => {
    const threads = join(root, "threads");
    mkdirSync(threads);
    for (const file of ["threads-run.js", "defs.ts", "order-summary.ts"]) copyFileSync(join(PROJECT_FILES, file), join(threads, file));
    const pkg = { name: "threads-user", version: "1.0.0", private: true, type: "module", dependencies: { "@orch/core": "*", "@orch/threads": "*" } };
    writeJson(join(threads, "package.json"), useTarballs(pkg, packed.tarballs));
    await npmInstall(threads);
    const ran = await run(process.execPath, ["threads-run.js"], threads);
    expect(ran.code, ran.stderr).toBe(0);
    const result = JSON.parse(ran.stdout.trim().split("\n").at(-1)!);
    expect(result).toMatchObject({ status: "SUCCESS", metadata: { revenue: 42.5 } });
    expect(result.metadata.threadId).toBeGreaterThan(0);
  });

  it("orch init from the installed CLI scaffolds a project that installs, materializes and passes its test", async () => {
    const init = await run("npx", ["orch", "init", "../scaffolded"], app);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain("  cd ../scaffolded && npm install\n  npx orch materialize --partition 2024-01-01\n");
    const dir = join(root, "scaffolded");
    // Until the packages are published, the scaffold's @orch ranges are pointed at the tarballs.
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(pkg.dependencies).toEqual({ "@orch/cli": expect.stringMatching(/^\^\d/), "@orch/core": expect.stringMatching(/^\^\d/) });
    writeJson(join(dir, "package.json"), useTarballs(pkg, packed.tarballs));
    await npmInstall(dir);
    const materialized = await run("npx", ["orch", "materialize", "--partition", "2024-01-01"], join(dir, "src"));
    expect(materialized.code, materialized.stderr).toBe(0);
    expect(materialized.stderr).toMatch(/check raw\/orders:positive_amounts passed/);
    expect(existsSync(join(dir, ".orch", "orch.db"))).toBe(true);
    const tested = await run("npm", ["test"], dir);
    expect(tested.code, `${tested.stdout}${tested.stderr}`).toBe(0);
    expect(tested.stdout).toMatch(/1 passed/);
    const typed = await run("npm", ["run", "typecheck"], dir);
    expect(typed.code, `${typed.stdout}${typed.stderr}`).toBe(0);
  });
});
