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
    expect(await page.textContent("body")).toContain("re-execution of");
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
});
