import { readFileSync } from "node:fs";
import { join } from "node:path";
import { OrchError, type NodeInvocation } from "@orch/core";
import { describe, expect, it } from "vitest";
import { FAKE_DBT, manifestPath, tempProject } from "../../test/fixtures.ts";
import { createDbtRunner } from "../runner/dbt-runner.ts";
import { dbtAssets } from "./dbt-assets.ts";

function invocation(projectDir: string, selectedOutputs: string[], env: Record<string, string> = {}, signal = new AbortController().signal) {
  const lines: string[] = [];
  const write = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  const inv: NodeInvocation = {
    runId: "run-1",
    stepKey: "dbt",
    inputs: {},
    config: undefined,
    resources: { dbt: createDbtRunner({ projectDir, executable: FAKE_DBT, env }) },
    log: { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") },
    signal,
    attempt: 1,
    selectedOutputs,
  };
  return { inv, lines };
}

const defs = dbtAssets({ manifest: manifestPath("jaffle_shop-v12.json"), select: "package:jaffle_shop" });

describe("dbtAssets", () => {
  it("declares a subsettable definition with one output per model/seed and checks per test", () => {
    expect(defs.canSubset).toBe(true);
    expect(defs.node?.outputs.map((o) => o.name).sort()).toEqual([
      "model_jaffle_shop_customers",
      "model_jaffle_shop_daily_orders",
      "model_jaffle_shop_orders",
      "model_jaffle_shop_stg_customers",
      "model_jaffle_shop_stg_orders",
      "model_jaffle_shop_stg_payments",
      "seed_jaffle_shop_raw_customers",
      "seed_jaffle_shop_raw_orders",
      "seed_jaffle_shop_raw_payments",
    ]);
    expect(defs.checks?.length).toBe(20);
  });

  it("runs dbt build for the selected outputs and returns descriptors, check results and logs", async () => {
    const projectDir = tempProject();
    const { inv, lines } = invocation(projectDir, ["model_jaffle_shop_stg_orders", "model_jaffle_shop_orders"]);
    const result = await defs.node!.invoke(inv);
    expect([...result.outputs.keys()].sort()).toEqual(["model_jaffle_shop_orders", "model_jaffle_shop_stg_orders"]);
    expect(result.outputs.get("model_jaffle_shop_orders")?.value).toMatchObject({ relation: "`your-project`.`jaffle_shop`.`orders`", uniqueId: "model.jaffle_shop.orders", status: "success" });
    expect(result.checkResults?.find((c) => c.checkName === "unique_orders_order_id")).toMatchObject({ passed: true, assetKey: ["orders"] });
    expect(lines[0]).toMatch(/^info dbt build --project-dir .* --select fqn:jaffle_shop\.staging\.stg_orders fqn:jaffle_shop\.orders --log-format json$/);
    expect(lines.some((l) => l.includes("OK created sql table model jaffle_shop.orders"))).toBe(true);
    const args = JSON.parse(readFileSync(join(projectDir, "target", "run_results.json"), "utf8")).args;
    expect(args.select).toEqual(["fqn:jaffle_shop.staging.stg_orders", "fqn:jaffle_shop.orders"]);
  });

  it("reports failing tests as failed checks with their severity", async () => {
    const { inv } = invocation(tempProject(), ["model_jaffle_shop_customers"], { FAKE_DBT_FAIL: "test.jaffle_shop.unique_customers_customer_id.c5af1ff4b1" });
    const result = await defs.node!.invoke(inv);
    expect(result.checkResults?.find((c) => c.checkName === "unique_customers_customer_id")).toMatchObject({ passed: false, severity: "error", blocking: true });
  });

  it("returns the models that built and a failure naming the failed and skipped ones", async () => {
    const { inv } = invocation(tempProject(), ["model_jaffle_shop_stg_orders", "model_jaffle_shop_orders", "model_jaffle_shop_stg_payments"], { FAKE_DBT_FAIL: "model.jaffle_shop.stg_orders" });
    const result = await defs.node!.invoke(inv);
    expect([...result.outputs.keys()]).toEqual(["model_jaffle_shop_stg_payments"]);
    expect(result.failure).toBeInstanceOf(OrchError);
    expect((result.failure as OrchError).code).toBe("DBT_MODELS_FAILED");
    expect((result.failure as Error).message).toMatch(
      /\[orch\] \[dbt\] dbt build failed for 2 of 3 selected models: stg_orders \(error: Database Error in model stg_orders .*\); orders \(skipped\)/,
    );
  });

  it("kills the whole dbt process group when the run is canceled", async () => {
    const projectDir = tempProject();
    const pidFile = join(projectDir, "pids");
    const controller = new AbortController();
    const { inv, lines } = invocation(projectDir, ["model_jaffle_shop_stg_orders"], { FAKE_DBT_SLEEP_MS: "60000", FAKE_DBT_PID_FILE: pidFile }, controller.signal);
    const running = defs.node!.invoke(inv);
    await waitFor(() => lines.some((l) => l.includes("START")));
    const [dbtPid, helperPid] = readFileSync(pidFile, "utf8").split(" ").map(Number);
    expect(alive(dbtPid!)).toBe(true);
    controller.abort();
    await expect(running).rejects.toThrow(/dbt build canceled/);
    await waitFor(() => !alive(dbtPid!) && !alive(helperPid!));
    expect(() => process.kill(-dbtPid!, 0)).toThrow(/ESRCH/);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}
