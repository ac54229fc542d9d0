import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collect, ORCH_BIN, tempProject } from "./fixture.ts";
import { spawn } from "node:child_process";

describe("the project folder is where orch.yaml is", () => {
  it("finds orch.yaml from a subfolder and keeps the instance beside it", async () => {
    const project = await tempProject();
    await mkdir(join(project.dir, "src", "deeper"), { recursive: true });
    const result = await project.run(["materialize", "--select", "raw/orders"], {}, "src/deeper");
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(join(project.dir, ".orch", "orch.db"))).toBe(true);
    expect(existsSync(join(project.dir, ".orch", "storage", "raw", "orders.json"))).toBe(true);
    expect(existsSync(join(project.dir, "src", "deeper", ".orch"))).toBe(false);
    const listed = await project.run(["runs", "list"], {}, "src");
    expect(listed.stdout).toContain(result.stdout.trim().split(" ")[0]);
  });
});

describe("a definitions module that cannot be loaded is a user error naming file, line and column", () => {
  const cases = [
    {
      name: "a syntax error",
      defs: 'import { asset } from "@orch/core";\n\nexport default asset({ key: "a", compute: () => 1 ;\n',
      expected: /Cannot load definitions module .*defs\.ts: syntax error at .*defs\.ts:3:51: Expected "\}" but found ";"/,
    },
    {
      name: "an import of a file that does not exist",
      defs: 'import { helper } from "./helpers.ts";\nexport default helper;\n',
      expected: /an import cannot be resolved at .*defs\.ts:1:24 \(import "\.\/helpers\.ts"\): Cannot find file "\.\/helpers\.ts" \(.*helpers\.ts\)\./,
    },
    {
      name: "an import of a package that is not installed",
      defs: 'import { asset } from "@orch/core";\nimport { nope } from "no-such-package-here";\nexport default [asset, nope];\n',
      expected: /an import cannot be resolved at .*defs\.ts:2:22 \(import "no-such-package-here"\): Cannot find package "no-such-package-here"\. Check the path/,
    },
    {
      name: "a throw while the module runs",
      defs: 'const url = process.env["NO_SUCH_VARIABLE"];\nif (!url) {\n  throw new Error("NO_SUCH_VARIABLE is not set");\n}\nexport default url;\n',
      expected: /it threw while being imported at .*defs\.ts:3:9: Error: NO_SUCH_VARIABLE is not set/,
    },
  ];
  for (const { name, defs, expected } of cases) {
    it(name, async () => {
      const project = await tempProject("module: ./defs.ts\n", defs);
      const result = await project.run(["asset", "list"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(expected);
      // The paragraph, then the --verbose hint (Node's own warnings aside, e.g. NO_COLOR ignored under nx's FORCE_COLOR).
      const lines = result.stderr.trim().split("\n").filter((line) => !/^\((node:\d+|Use `node)/.test(line));
      expect(lines, result.stderr).toHaveLength(2);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      const verbose = await project.run(["asset", "list", "--verbose"]);
      expect(verbose.code).toBe(2);
      expect(verbose.stderr).toMatch(/^Caused by: /m);
      expect(verbose.stderr).toMatch(/^\s+at /m);
    });
  }
});

describe("orch init", () => {
  it("scaffolds a project that materializes, and refuses a non-empty folder unless --force", async () => {
    const parent = await mkdtemp(join(tmpdir(), "orch-init-"));
    const init = (args: string[]) => collect(spawn(process.execPath, [ORCH_BIN, "init", ...args], { cwd: parent, stdio: ["ignore", "pipe", "pipe"] }));
    const created = await init(["shop"]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain("Next:\n  cd shop && npm install\n  npx orch materialize --partition 2024-01-01\n");
    const dir = join(parent, "shop");
    expect((await readdir(dir)).sort()).toEqual([".gitignore", "README.md", "orch.yaml", "package.json", "src", "tsconfig.json"]);
    expect(await readFile(join(dir, "orch.yaml"), "utf8")).toMatch(/^module: \.\/src\/definitions\.ts$/m);
    expect(await readFile(join(dir, ".gitignore"), "utf8")).toMatch(/^\.orch\/$/m);
    const pkg = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
    expect(pkg).toMatchObject({ name: "shop", type: "module", dependencies: { "@orch/core": expect.stringMatching(/^\^\d/), "@orch/cli": expect.stringMatching(/^\^\d/) } });
    expect(existsSync(join(dir, "src", "definitions.test.ts"))).toBe(true);

    const again = await init(["shop"]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/shop is not empty \(.*orch\.yaml.*\)\. Choose a new or empty directory, or pass --force/);
    await writeFile(join(dir, "orch.yaml"), "module: ./elsewhere.ts\n");
    const forced = await init(["shop", "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await readFile(join(dir, "orch.yaml"), "utf8")).toMatch(/^module: \.\/src\/definitions\.ts$/m);

    // The scaffold runs as written (the installed packages are this repository's, as in the other CLI tests).
    await symlink(join(ORCH_BIN, "../../../../node_modules"), join(dir, "node_modules"), "dir");
    const run = await collect(spawn(process.execPath, [ORCH_BIN, "materialize", "--partition", "2024-01-01"], { cwd: join(dir, "src"), env: { ...process.env, CI: "1" }, stdio: ["ignore", "pipe", "pipe"] }));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/check raw\/orders:positive_amounts passed/);
    expect(run.stderr).toMatch(/materialized daily_revenue \[2024-01-01\] \(bytes=\d+, eur=57\.78\)/);
    expect(existsSync(join(dir, ".orch", "orch.db"))).toBe(true);
  });
});
