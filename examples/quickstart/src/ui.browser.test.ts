import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, startOrchDev } from "./browser.test-support.ts";

// The quickstart in `orch dev`, driven through the UI in headless chromium. ORCH_UI_SCREENSHOTS=<dir> keeps
// screenshots (docs/guides/images is made that way).
const here = dirname(fileURLToPath(import.meta.url));
const shots = process.env.ORCH_UI_SCREENSHOTS;
let dev: Awaited<ReturnType<typeof startOrchDev>>;
let browser: Browser;
let page: Page;
let reportsBlocker: string;

const shot = async (name: string) => {
  if (shots) await page.screenshot({ path: join(shots, `${name}.png`) });
};

beforeAll(async () => {
  const tmp = await mkdtemp(join(tmpdir(), "orch-ui-"));
  // The reports "directory" is a file at first, so reports/weekly_report fails until the test removes it.
  reportsBlocker = join(tmp, "reports");
  await writeFile(reportsBlocker, "not a directory");
  await mkdir(join(tmp, "inbox"));
  dev = await startOrchDev(join(here, ".."), { ORCH_HOME: join(tmp, "home"), QUICKSTART_REPORTS_DIR: reportsBlocker, QUICKSTART_INBOX_DIR: join(tmp, "inbox") });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // A marker that a reload would erase: the run page must update live, without one.
  await page.addInitScript(() => ((globalThis as unknown as { __loads: number }).__loads = ((globalThis as unknown as { __loads?: number }).__loads ?? 0) + 1));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await dev?.stop();
});

const runStatus = () => page.getByTestId("run-status").first();

describe("the quickstart in the web UI", () => {
  it("opens the graph and filters it with a selection; a bad selection shows the caret", async () => {
    await page.goto(`${dev.url}/#/graph`);
    await page.waitForFunction(() => (globalThis as unknown as { __orchGraph?: { ready: boolean } }).__orchGraph?.ready === true);
    await expect.poll(() => page.getByTestId("graph-status").textContent()).toContain("6 assets");
    await page.getByTestId("selection-input").fill("+marts/daily_revenue");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect.poll(() => page.getByTestId("graph-status").textContent()).toContain("3 selected");
    await shot("graph");
    await page.getByTestId("selection-input").fill("group:marts and (");
    await page.getByRole("button", { name: "Filter" }).click();
    const error = await page.getByTestId("selection-error").textContent();
    expect(error).toContain("INVALID_SELECTION");
    expect(error).toContain("^");
  }, 60_000);

  it("launches a partition from the launchpad and watches the run reach SUCCESS live", async () => {
    await page.goto(`${dev.url}/#/launchpad`);
    await page.getByTestId("launch-selection").fill("+marts/daily_revenue");
    await page.getByTestId("launch-partition").fill("2024-03-02");
    await page.getByTestId("launch-button").click();
    await page.waitForURL(/#\/runs\/[0-9a-f-]+$/);
    const loads = await page.evaluate(() => (globalThis as unknown as { __loads: number }).__loads);
    await expect.poll(() => runStatus().textContent(), { timeout: 60_000 }).toBe("SUCCESS");
    expect(await page.evaluate(() => (globalThis as unknown as { __loads: number }).__loads)).toBe(loads);
    // The status can come from the run record a moment before the stream delivers the last events.
    await expect.poll(() => page.getByTestId("event-log").textContent()).toContain("RUN_SUCCESS");
    expect(await page.textContent("body")).toContain("partition 2024-03-02");
    await shot("run-success");
  }, 90_000);

  it("scaffolds run config with its defaults, and refuses a bad value with its path", async () => {
    await page.goto(`${dev.url}/#/launchpad`);
    await page.getByTestId("launch-selection").fill("staging/cleaned_events");
    // The scaffold carries the defaults; the edit breaks one of them.
    await page.getByTestId("scaffold-button").click();
    await expect.poll(() => page.getByTestId("launch-config").inputValue()).toContain('"dropUnknownTypes": true');
    await page.getByTestId("launch-config").fill((await page.getByTestId("launch-config").inputValue()).replace('"dropUnknownTypes": true', '"dropUnknownTypes": "yes"'));
    await page.getByTestId("launch-button").click();
    const error = await page.getByTestId("launch-error").textContent();
    expect(error).toContain("INVALID_RUN_CONFIG");
    expect(error).toContain("assets.staging/cleaned_events.config.dropUnknownTypes");
    await shot("launchpad-error");
  }, 30_000);

  it("shows a failed run's error, then re-executes it from failure to SUCCESS", async () => {
    await page.goto(`${dev.url}/#/launchpad`);
    await page.getByTestId("launch-selection").fill("+reports/weekly_report");
    await page.getByTestId("launch-config").fill("{}");
    await page.getByTestId("launch-button").click();
    await page.waitForURL(/#\/runs\/[0-9a-f-]+$/);
    const failedUrl = page.url();
    await expect.poll(() => runStatus().textContent(), { timeout: 60_000 }).toBe("FAILURE");
    await expect.poll(() => page.getByTestId("run-error").first().textContent()).toContain("reports/weekly_report");
    expect(await page.getByTestId("run-error").first().textContent()).toContain("EEXIST");
    await shot("run-failure");

    await rm(reportsBlocker);
    await page.getByTestId("reexecute-from-failure").click();
    await page.waitForURL((url) => url.toString() !== failedUrl && /#\/runs\//.test(url.hash));
    await expect.poll(() => runStatus().textContent(), { timeout: 60_000 }).toBe("SUCCESS");
    await expect.poll(() => page.textContent("body"), { timeout: 15_000 }).toContain("re-execution of");
  }, 150_000);

  it("starts and stops a schedule from the automation page", async () => {
    await page.goto(`${dev.url}/#/automation`);
    const status = page.getByTestId("instigator-status-daily_marts");
    const toggle = page.getByTestId("toggle-daily_marts");
    if ((await status.textContent()) === "stopped") {
      await toggle.click();
      await expect.poll(() => status.textContent()).toBe("running");
    }
    await toggle.click();
    await expect.poll(() => status.textContent()).toBe("stopped");
    const api = (await (await fetch(`${dev.url}/api/automation`)).json()) as { schedules: { name: string; status: string }[] };
    expect(api.schedules.find((s) => s.name === "daily_marts")?.status).toBe("stopped");
    await shot("automation");
  }, 30_000);

  it("draws the daily partitions as ranges: the day launched above is the one materialized segment", async () => {
    await page.goto(`${dev.url}/#/asset/${encodeURIComponent("marts/daily_revenue")}`);
    const done = page.getByTestId("partition-range-materialized");
    await expect.poll(() => done.count()).toBe(1);
    expect(await done.getAttribute("title")).toBe("2024-03-02: 1 partition(s), 1 materialized");
    expect(await page.getByTestId("partition-range-missing").count()).toBe(2);
    await shot("partition-grid");
  }, 30_000);

  it("previews the inbox sensor from an edited cursor, then sets its cursor", async () => {
    await page.goto(`${dev.url}/#/automation`);
    await page.getByTestId("open-inbox_files").click();
    await page.getByTestId("preview-button").click();
    await expect.poll(() => page.getByTestId("preview-result").textContent()).toContain("no new file");
    const cursor = JSON.stringify({ mtimeMs: 5, names: [] });
    await page.getByTestId("preview-cursor").fill(cursor);
    await page.getByTestId("set-cursor-button").click();
    await expect.poll(() => page.getByTestId("cursor-saved").textContent()).toContain("Cursor set to");
    const api = (await (await fetch(`${dev.url}/api/automation`)).json()) as { sensors: { name: string; cursor?: string }[] };
    expect(api.sensors.find((s) => s.name === "inbox_files")?.cursor).toBe(cursor);
    await shot("tick-preview");
  }, 30_000);

  it("backfills every missing partition from the launchpad", async () => {
    await page.goto(`${dev.url}/#/launchpad?selection=${encodeURIComponent("marts/daily_revenue")}`);
    await page.getByTestId("backfill-missing-button").click();
    await page.waitForURL((url) => url.hash === "#/automation");
    const { backfills } = (await (await fetch(`${dev.url}/api/backfills`)).json()) as { backfills: { selection?: string; unitCount: number }[] };
    expect(backfills[0]).toMatchObject({ selection: "marts/daily_revenue" });
    expect(backfills[0]!.unitCount).toBeGreaterThan(1);
  }, 30_000);

  it("re-executes the steps picked in the timeline: queued, started by the daemon, SUCCESS live, only those ran", async () => {
    await page.goto(`${dev.url}/#/launchpad`);
    await page.getByTestId("launch-selection").fill("+marts/daily_revenue");
    await page.getByTestId("launch-partition").fill("2024-03-03");
    await page.getByTestId("launch-config").fill("{}");
    await page.getByTestId("launch-button").click();
    await page.waitForURL(/#\/runs\/[0-9a-f-]+$/);
    await expect.poll(() => runStatus().textContent(), { timeout: 60_000 }).toBe("SUCCESS");
    const parentUrl = page.url();
    const parentId = decodeURIComponent(parentUrl.split("/runs/")[1]!);
    const parent = (await (await fetch(`${dev.url}/api/runs/${parentId}`)).json()) as { run: { stepKeys: string[] } };
    expect(parent.run.stepKeys.length).toBeGreaterThan(1);

    // Nothing picked: nothing to re-execute yet.
    expect(await page.getByTestId("reexecute-selected").isDisabled()).toBe(true);
    await page.getByTestId("pick-step-marts/daily_revenue").check();
    await expect.poll(() => page.getByTestId("reexecute-selected").textContent(), { timeout: 15_000 }).toBe("Re-execute selected (1)");
    const loads = await page.evaluate(() => (globalThis as unknown as { __loads: number }).__loads);
    await page.getByTestId("reexecute-selected").click();
    await page.waitForURL((url) => url.toString() !== parentUrl && /#\/runs\//.test(url.hash));
    await expect.poll(() => runStatus().textContent(), { timeout: 60_000 }).toBe("SUCCESS");
    expect(await page.evaluate(() => (globalThis as unknown as { __loads: number }).__loads)).toBe(loads);
    await expect.poll(() => page.textContent("body"), { timeout: 15_000 }).toContain("re-execution of");
    await expect.poll(() => page.getByTestId("event-log").textContent(), { timeout: 15_000 }).toContain("RUN_SUCCESS");
    await shot("reexecute-selected");

    const childId = decodeURIComponent(page.url().split("/runs/")[1]!);
    const child = (await (await fetch(`${dev.url}/api/runs/${childId}`)).json()) as { run: { stepKeys: string[]; parentRunId: string; partitionKey: string; tags: Record<string, string> } };
    expect(child.run).toMatchObject({ stepKeys: ["marts/daily_revenue"], parentRunId: parentId, partitionKey: "2024-03-03", tags: { "orch/parent-run-id": parentId } });
    const { events } = (await (await fetch(`${dev.url}/api/runs/${childId}/events?limit=1000`)).json()) as { events: { type: string; stepKey?: string }[] };
    // Queued first (only the queue writes RUN_ENQUEUED), then started by orch dev's daemon.
    expect(events.slice(0, 2).map((e) => e.type)).toEqual(["RUN_ENQUEUED", "RUN_START"]);
    expect(events.filter((e) => e.type === "STEP_START").map((e) => e.stepKey)).toEqual(["marts/daily_revenue"]);
  }, 150_000);

  it("re-executes a whole run from the UI through the queue", async () => {
    const launched = await fetch(`${dev.url}/api/launch`, { method: "POST", headers: { origin: dev.url, "content-type": "application/json" }, body: JSON.stringify({ selection: "raw/events" }) });
    const { runId } = (await launched.json()) as { runId: string };
    await page.goto(`${dev.url}/#/runs/${runId}`);
    await expect.poll(() => runStatus().textContent(), { timeout: 60_000 }).toBe("SUCCESS");
    const parentUrl = page.url();
    await page.getByTestId("reexecute-all").click();
    await page.waitForURL((url) => url.toString() !== parentUrl && /#\/runs\//.test(url.hash));
    await expect.poll(() => runStatus().textContent(), { timeout: 60_000 }).toBe("SUCCESS");
    const childId = decodeURIComponent(page.url().split("/runs/")[1]!);
    const { events } = (await (await fetch(`${dev.url}/api/runs/${childId}/events?limit=1000`)).json()) as { events: { type: string }[] };
    expect(events[0]!.type).toBe("RUN_ENQUEUED");
  }, 120_000);

  it("filters the runs list by schedule with its dropdown", async () => {
    // The run daily_marts requests at its 2024-03-05 tick (from its preview), launched as it would be.
    const preview = (await (await fetch(`${dev.url}/api/automation/schedule/daily_marts/preview?at=${encodeURIComponent("2024-03-05T00:30:00Z")}`)).json()) as {
      runRequests: { partitionKey: string; tags: Record<string, string> }[];
    };
    const request = preview.runRequests[0]!;
    expect(request.tags["orch/schedule"]).toBe("daily_marts");
    const launched = await fetch(`${dev.url}/api/launch`, {
      method: "POST",
      headers: { origin: dev.url, "content-type": "application/json" },
      body: JSON.stringify({ selection: "+marts/daily_revenue", partition: request.partitionKey, tags: request.tags }),
    });
    const { runId } = (await launched.json()) as { runId: string };

    await page.goto(`${dev.url}/#/runs`);
    await expect.poll(() => page.getByTestId("runs-table").locator("tbody tr").count(), { timeout: 15_000 }).toBeGreaterThan(2);
    await expect.poll(() => page.getByTestId("runs-filter-schedule").locator("option").allTextContents(), { timeout: 15_000 }).toContain("daily_marts");
    await page.getByTestId("runs-filter-schedule").selectOption("daily_marts");
    await page.waitForURL((url) => url.hash.includes("schedule=daily_marts"));
    await expect.poll(() => page.getByTestId("runs-table").locator("tbody tr").count(), { timeout: 15_000 }).toBe(1);
    const row = await page.getByTestId("runs-table").locator("tbody tr").first().textContent();
    expect(row).toContain(runId.slice(0, 8));
    expect(row).toContain("schedule daily_marts");
    await shot("runs-by-schedule");
    await page.getByTestId("runs-filter-schedule").selectOption("");
    await expect.poll(() => page.getByTestId("runs-table").locator("tbody tr").count(), { timeout: 15_000 }).toBeGreaterThan(1);
  }, 60_000);

  it("flags a config typo inline with its path as it is typed, before launch", async () => {
    await page.goto(`${dev.url}/#/launchpad`);
    await page.getByTestId("launch-selection").fill("staging/cleaned_events");
    await page.getByTestId("scaffold-button").click();
    await expect.poll(() => page.getByTestId("launch-config").inputValue(), { timeout: 15_000 }).toContain('"dropUnknownTypes": true');
    await expect.poll(() => page.getByTestId("config-ok").count(), { timeout: 15_000 }).toBe(1);
    const scaffold = await page.getByTestId("launch-config").inputValue();
    // A misspelt key, typed: flagged with its path and the key it should be, while nothing was launched.
    await page.getByTestId("launch-config").fill(scaffold.replace('"dropUnknownTypes"', '"dropUnknownType"'));
    await expect.poll(() => page.getByTestId("config-issue").allTextContents(), { timeout: 15_000 }).toEqual([
      expect.stringMatching(/^assets\.staging\/cleaned_events\.config\.dropUnknownType: unknown key "dropUnknownType"\. Known keys: .*dropUnknownTypes/),
    ]);
    expect(await page.getByTestId("launch-config").getAttribute("aria-invalid")).toBe("true");
    await shot("launchpad-inline-error");
    // A value of the wrong type, then a fix: the list follows the text.
    await page.getByTestId("launch-config").fill(scaffold.replace('"dropUnknownTypes": true', '"dropUnknownTypes": "yes"'));
    await expect.poll(() => page.getByTestId("config-issue").allTextContents(), { timeout: 15_000 }).toEqual(["assets.staging/cleaned_events.config.dropUnknownTypes: expected boolean"]);
    await page.getByTestId("launch-config").fill(scaffold);
    await expect.poll(() => page.getByTestId("config-ok").count(), { timeout: 15_000 }).toBe(1);
    expect(page.url()).toMatch(/#\/launchpad$/);
  }, 60_000);

  it("shows a failed check on the graph (canvas, legend, sidebar) and a failed partition in the catalog and the partition bar", async () => {
    const api = async (path: string, body?: unknown) => {
      const init = body === undefined ? {} : { method: "POST", headers: { origin: dev.url, "content-type": "application/json" }, body: JSON.stringify(body) };
      return (await (await fetch(`${dev.url}/api${path}`, init)).json()) as any;
    };
    // The backfill launched above materializes every day first; then the attempts below are the latest ones.
    await expect.poll(async () => (await api("/backfills")).backfills[0]?.status, { timeout: 120_000, interval: 500 }).toMatch(/COMPLETED|FAILED/);
    const finished = (runId: string) => expect.poll(async () => (await api(`/runs/${runId}`)).run.status, { timeout: 60_000, interval: 300 });
    // A day below its purchase guard fails: 2024-03-05's latest attempt failed.
    const guarded = await api("/launch", { selection: "marts/daily_revenue", partition: "2024-03-05", config: { assets: { "marts/daily_revenue": { config: { minPurchases: 1_000_000 } } } } });
    await finished(guarded.runId).toBe("FAILURE");
    // The funnel materialized, but under the revenue floor its check asks for: "check failed".
    const floored = await api("/launch", { selection: "marts/funnel", config: { assets: { "marts/funnel:revenue_floor": { config: { minRevenue: 1_000_000 } } } } });
    await finished(floored.runId).toBe("SUCCESS");

    await page.goto(`${dev.url}/#/graph`);
    await expect.poll(() => page.getByTestId("legend-check_failed").textContent()).toContain("check failed (1)");
    // The page replaces its test handle when the graph arrives; wait for this graph's layout.
    await page.waitForFunction(() => (globalThis as unknown as { __orchGraph?: { ready: boolean; nodes: number } }).__orchGraph?.ready === true);
    // The node's status bar on the canvas is drawn in the legend's "check failed" colour.
    const spot = await page.evaluate(() => {
      const node = (globalThis as unknown as { __orchGraph: { layout: { nodes: { id: string; x: number; y: number }[] } } }).__orchGraph.layout.nodes.find((n) => n.id === "marts/funnel")!;
      return { x: 20 + node.x, y: 20 + node.y };
    });
    const box = (await page.getByTestId("graph-canvas").boundingBox())!;
    await expect
      .poll(() =>
        page.evaluate(({ x, y }) => {
          const g = globalThis as unknown as { devicePixelRatio?: number; document: { querySelector(s: string): { getContext(k: "2d"): { getImageData(...a: number[]): { data: Uint8ClampedArray } } } } };
          const dpr = g.devicePixelRatio || 1;
          return [...g.document.querySelector("canvas").getContext("2d").getImageData(Math.round((x + 2) * dpr), Math.round((y + 20) * dpr), 1, 1).data.slice(0, 3)];
        }, spot),
      )
      .toEqual([0xc2, 0x18, 0x5b]);
    await page.mouse.click(box.x + spot.x + 60, box.y + spot.y + 20);
    await expect.poll(() => page.getByTestId("sidebar-status").textContent()).toBe("check failed");
    expect(await page.getByTestId("sidebar-failing-checks").textContent()).toContain("revenue_floor");

    await page.goto(`${dev.url}/#/catalog`);
    await page.getByTestId("catalog-filter").fill("revenue_floor");
    await expect.poll(() => page.getByTestId("catalog-count").textContent()).toMatch(/^1 of 6 assets/);
    const checks = page.getByTestId("check-counts").first();
    expect(await checks.textContent()).toBe("0 passed · 1 failed · 0 warned ✗ revenue_floor");
    expect(await checks.getAttribute("title")).toContain("revenue_floor");
    await page.getByTestId("catalog-filter").fill("daily_revenue");
    await expect.poll(() => page.getByTestId("catalog-partitions").first().textContent()).toBe("6/7 materialized, 1 failed, 0 missing");

    await page.goto(`${dev.url}/#/asset/${encodeURIComponent("marts/daily_revenue")}`);
    const failed = page.getByTestId("partition-range-failed");
    await expect.poll(() => failed.count()).toBe(1);
    expect(await failed.getAttribute("title")).toBe("2024-03-05: 1 partition(s), 0 materialized, 1 failed");
    expect(await page.getByTestId("asset-partition-counts").textContent()).toContain("1 failed");
  }, 240_000);
});
