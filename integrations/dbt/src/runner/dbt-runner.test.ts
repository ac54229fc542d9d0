import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FAKE_DBT, FIXTURES, runResultsPath, tempProject } from "../../test/fixtures.ts";
import { createDbtRunner } from "./dbt-runner.ts";
import type { DbtEvent } from "./events.ts";
import { loadRunResults, parseRunResults } from "./run-results.ts";

describe("dbt runner (against the fake dbt executable)", () => {
  it("streams typed events as they arrive and parses run_results", async () => {
    const projectDir = tempProject();
    const runner = createDbtRunner({ projectDir, executable: FAKE_DBT, target: "dev", threads: 2, vars: { region: "eu" } });
    const invocation = runner.build({ select: ["fqn:jaffle_shop.staging.stg_orders"], timeWindow: { start: "2024-01-01T00:00:00Z", end: "2024-01-02T00:00:00Z" } });
    expect(invocation.args).toContain('{"region":"eu","min_date":"2024-01-01T00:00:00Z","max_date":"2024-01-02T00:00:00Z"}');
    const events: DbtEvent[] = [];
    for await (const event of invocation) events.push(event);
    const result = await invocation.result();
    const finished = events.find((e) => e.type === "node_finished" && e.node.uniqueId === "model.jaffle_shop.stg_orders");
    expect(finished).toMatchObject({ name: "NodeFinished", code: "Q025", status: "success" });
    expect(events.some((e) => e.type === "node_started")).toBe(true);
    expect(result.exitCode).toBe(0);
    expect(result.runResults.results.get("model.jaffle_shop.stg_orders")?.status).toBe("success");
    expect(result.runResults.results.get("test.jaffle_shop.unique_stg_orders_order_id.e3b841c71a")?.status).toBe("pass");
  });

  it("runs two builds of one project one after the other, so each reads its own run_results", async () => {
    const runner = createDbtRunner({ projectDir: tempProject(), executable: FAKE_DBT, env: { FAKE_DBT_SLEEP_MS: "30" } });
    const first = runner.build({ select: ["fqn:jaffle_shop.staging.stg_orders"] });
    const second = runner.build({ select: ["fqn:jaffle_shop.staging.stg_payments"] });
    const times = (invocation: AsyncIterable<DbtEvent>) =>
      (async () => {
        const ts: number[] = [];
        for await (const event of invocation) if ("ts" in event && event.ts) ts.push(Date.parse(event.ts));
        return ts;
      })();
    const [firstTimes, secondTimes] = await Promise.all([times(first), times(second)]);
    // The second dbt process logged nothing before the first one's last line: they did not overlap.
    expect(Math.min(...secondTimes)).toBeGreaterThanOrEqual(Math.max(...firstTimes));
    const [a, b] = await Promise.all([first.result(), second.result()]);
    expect([...a.runResults.results.keys()].filter((id) => id.startsWith("model."))).toEqual(["model.jaffle_shop.stg_orders"]);
    expect([...b.runResults.results.keys()].filter((id) => id.startsWith("model."))).toEqual(["model.jaffle_shop.stg_payments"]);
  });

  it("reports dbt's own error when it exits with 2", async () => {
    const runner = createDbtRunner({ projectDir: tempProject(), executable: FAKE_DBT, env: { FAKE_DBT_CRASH: "1" } });
    await expect(runner.build({ select: [] }).result()).rejects.toThrow(/dbt build exited with 2: .*Could not find profile named 'jaffle_shop'/s);
  });

  it("names a missing executable", async () => {
    const runner = createDbtRunner({ projectDir: tempProject(), executable: join(FIXTURES, "no-such-dbt") });
    await expect(runner.build({ select: [] }).result()).rejects.toThrow(/could not start dbt .*no-such-dbt/);
  });

  it("names the run_results file it read", () => {
    const path = join(FIXTURES, "nowhere", "run_results.json");
    expect(() => loadRunResults(path)).toThrow(`[orch] [dbt] ${path}: cannot read dbt's run results: ENOENT`);
    const doc = JSON.parse(readFileSync(runResultsPath("tuva-run_results-v5.json"), "utf8"));
    doc.metadata.dbt_schema_version = "https://schemas.getdbt.com/dbt/run-results/v9.json";
    expect(() => parseRunResults(doc, "prod/run_results.json")).toThrow(/^\[orch\] \[dbt\] prod\/run_results\.json: metadata\.dbt_schema_version/);
  });

  it.each(["tuva-run_results-v4.json", "tuva-run_results-v5.json", "tuva-run_results-v6-large.json", "jaffle_shop_semantic-run_results-v6.json"])(
    "parses the %s fixture",
    (file) => {
      const doc = JSON.parse(readFileSync(runResultsPath(file), "utf8"));
      const parsed = parseRunResults(doc);
      expect(parsed.results.size).toBe(new Set(doc.results.map((r: { unique_id: string }) => r.unique_id)).size);
    },
  );
});
