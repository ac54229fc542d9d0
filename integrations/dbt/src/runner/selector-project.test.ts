import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NodeInvocation } from "@orch/core";
import { describe, expect, it } from "vitest";
import { generateManifest } from "../../../../tools/gen-dbt-manifest/generate.ts";
import { FAKE_DBT, tempProject } from "../../test/fixtures.ts";
import { dbtAssets } from "../assets/dbt-assets.ts";
import { createDbtRunner } from "./dbt-runner.ts";

const views = () => readdirSync(tmpdir()).filter((name) => name.startsWith("orch-dbt-selection-"));

describe("selections too long for the command line", () => {
  it("go to dbt as a generated named selector; the project and its own selectors.yml stay as they were", async () => {
    const projectDir = tempProject();
    const own = "selectors:\n  - name: nightly # the team's own\n    definition: 'tag:nightly'\n";
    writeFileSync(join(projectDir, "selectors.yml"), own);
    const before = new Set(views());
    const runner = createDbtRunner({ projectDir, executable: FAKE_DBT, maxSelectArgs: 1 });
    const invocation = runner.build({ select: ["fqn:jaffle_shop.staging.stg_orders", "fqn:jaffle_shop.orders"] });
    for await (const _ of invocation);
    const result = await invocation.result();
    expect(invocation.args).not.toContain("--select");
    expect(invocation.args[invocation.args.indexOf("--selector") + 1]).toMatch(/^orch_selection_[0-9a-f]{12}$/);
    expect([...result.runResults.results.keys()].filter((id) => id.startsWith("model."))).toEqual(["model.jaffle_shop.stg_orders", "model.jaffle_shop.orders"]);
    // dbt wrote run_results into the real project's target (through the view's link), and the view is gone.
    expect(existsSync(join(projectDir, "target", "run_results.json"))).toBe(true);
    expect(views().filter((v) => !before.has(v))).toEqual([]);
    expect(readFileSync(join(projectDir, "selectors.yml"), "utf8")).toBe(own);
    expect(readdirSync(projectDir).sort()).toEqual(["logs", "selectors.yml", "target"]);
  });

  it("keeps dbt's argv short for 50,000 models, built by the fake dbt from a synthetic manifest", { timeout: 240_000 }, async () => {
    const projectDir = mkdtempSync(join(tmpdir(), "orch-dbt-50k-"));
    mkdirSync(join(projectDir, "target"));
    // ~7% sources and 50,000 models, no tests: the size that matters here is the selection.
    await generateManifest(142_858, join(projectDir, "target", "manifest.json"), 7, { testsPerModel: 0 });
    const dbt = dbtAssets({ manifest: join(projectDir, "target", "manifest.json"), onWarning: () => undefined });
    const outputs = dbt.node!.outputs.map((o) => o.name);
    expect(outputs).toHaveLength(50_000);
    const logged: string[] = [];
    const inv: NodeInvocation = {
      runId: "run-50k",
      stepKey: dbt.node!.id,
      inputs: {},
      config: undefined,
      resources: { dbt: createDbtRunner({ projectDir, executable: FAKE_DBT }) },
      log: { debug: () => undefined, info: (m) => void logged.push(m), warn: () => undefined, error: () => undefined },
      signal: new AbortController().signal,
      attempt: 1,
      selectedOutputs: outputs,
    };
    const result = await dbt.node!.invoke(inv).finally(() => rmSync(projectDir, { recursive: true, force: true }));
    expect(result.failure).toBeUndefined();
    expect(result.outputs.size).toBe(50_000);
    const command = logged[0]!;
    expect(command).toMatch(/^dbt build --project-dir \S+orch-dbt-selection-\S+ --selector orch_selection_[0-9a-f]{12} --log-format json$/);
    expect(command.length).toBeLessThan(300);
  });
});
