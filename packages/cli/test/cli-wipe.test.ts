import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempProject } from "./fixture.ts";

const DEFS = `
import { asset, defineDefinitions, staticPartitions } from "@orch/core";
const a = asset({ key: "a", partitions: staticPartitions(["b", "c"]), compute: ({ partitionKey }) => partitionKey });
const ab = asset({ key: ["a", "b"], compute: () => "child" });
export default defineDefinitions({ assets: [a, ab] });
`;

describe("orch asset wipe", () => {
  it("wipe a deletes a's values (every partition, even one named like a child asset) and never those of a/b", async () => {
    const project = await tempProject("module: ./defs.ts\n", DEFS);
    const storage = join(project.dir, ".orch", "storage");
    for (const partition of ["b", "c"]) expect((await project.run(["materialize", "--select", "a", "--partition", partition])).code).toBe(0);
    expect((await project.run(["materialize", "--select", "a/b"])).code).toBe(0);
    const files = ["a/@partitions/b.json", "a/@partitions/c.json", "a/b.json"].map((f) => join(storage, f));
    expect(files.map((f) => existsSync(f))).toEqual([true, true, true]);

    const wiped = await project.run(["asset", "wipe", "a"]);
    expect(wiped.code, wiped.stderr).toBe(0);
    expect(files.map((f) => existsSync(f))).toEqual([false, false, true]);
    expect((await project.run(["asset", "show", "a/b"])).stdout).toContain("Materializations");
  }, 60_000);
});
