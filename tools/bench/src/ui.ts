/// <reference lib="dom" />
// `npm run bench -- ui`: the web UI in headless Debian chromium against a webserver over synthetic instances.
// ready = navigation until the page reports every node laid out and drawn (graph), every row counted (catalog) or
// the first page of the log shown (run log), then one input round trip. Baseline: an empty page of the same
// server, loaded the same way.
import { asset, defineDefinitions, memoryStorage, type AssetDefinition, type OrchEvent } from "@orch/core";
import { ensureUiBuilt } from "@orch/ui";
import { startWebserver } from "@orch/webserver";
import type { Page } from "playwright-core";
// One chromium launcher (Debian's binary, the flags that work here) for the browser tests and this benchmark.
import { launchChromium } from "../../../examples/quickstart/src/browser.test-support.ts";

/** A layered synthetic graph: `n` assets in groups of 500, each reading up to two assets of the previous layer. */
function layeredGraph(n: number): AssetDefinition[] {
  const width = Math.max(10, Math.round(Math.sqrt(n) * 2));
  const assets: AssetDefinition[] = [];
  for (let i = 0; i < n; i++) {
    const layer = Math.floor(i / width);
    const ins: Record<string, AssetDefinition> = {};
    if (layer > 0) {
      ins["a"] = assets[(layer - 1) * width + ((i * 7) % width)]!;
      ins["b"] = assets[(layer - 1) * width + ((i * 13 + 3) % width)]!;
    }
    assets.push(asset({ key: ["g", `group_${Math.floor(i / 500)}`, `asset_${i}`], group: `group_${Math.floor(i / 500)}`, kinds: ["bench"], ins, compute: () => i }));
  }
  return assets;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function serve(n: number, logEvents = 0) {
  const definitions = defineDefinitions({ assets: layeredGraph(n) });
  const instance = memoryStorage();
  let runId = "";
  if (logEvents > 0) {
    runId = "bench-run";
    const now = Date.now();
    await instance.createRun({ runId, status: "STARTED", assetKeys: [], stepKeys: ["step"], tags: {}, runConfig: {}, createdAt: now, startedAt: now });
    const events: OrchEvent[] = [];
    for (let i = 0; i < logEvents; i++) events.push({ type: "LOG", runId, stepKey: "step", timestamp: now, level: "info", message: `line ${i}` });
    await instance.appendEvents(events);
    // Ended after its events are in (the storage refuses events of a finished run).
    await instance.updateRun(runId, { status: "SUCCESS", endedAt: now + 1 });
  }
  const server = await startWebserver({ definitions, instance, readOnly: true, port: 0, uiDir: await ensureUiBuilt(), info: {} });
  return { server, runId };
}

/** Milliseconds from navigation until `ready` holds in the page and it answers one evaluate (input round trip). */
async function timeToReady(page: Page, url: string, ready: () => boolean): Promise<number> {
  await page.goto("about:blank");
  const started = performance.now();
  await page.goto(url);
  await page.waitForFunction(ready, undefined, { polling: "raf", timeout: 120_000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
  return Math.round(performance.now() - started);
}

const graphReady = () => {
  const g = (globalThis as unknown as { __orchGraph?: { ready: boolean; frames: number[] } }).__orchGraph;
  return g?.ready === true && g.frames.length > 0;
};

const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
const figures: Record<string, number | string> = { bench: "ui" };
try {
  const small = await serve(10);
  figures["baseline_page_ready_ms"] = await timeToReady(page, `${small.server.url}/#/instance`, () => document.querySelector("[data-testid=instance-page]") !== null);
  await small.server.close();
  console.log(`baseline (instance page): ${figures["baseline_page_ready_ms"]} ms`);

  for (const n of [5_000, 20_000]) {
    const { server } = await serve(n);
    const apiStarted = performance.now();
    const response = await fetch(`${server.url}/api/graph`);
    await response.json();
    figures[`api_graph_${n / 1000}k_ms`] = Math.round(performance.now() - apiStarted);
    figures[`graph_${n / 1000}k_ready_ms`] = await timeToReady(page, `${server.url}/#/graph`, graphReady);
    console.log(`graph ${n}: api ${figures[`api_graph_${n / 1000}k_ms`]} ms, ready ${figures[`graph_${n / 1000}k_ready_ms`]} ms`);
    if (n === 5_000) {
      // Zoom out so most of the graph is in view, then time the draw of each pan frame.
      await page.mouse.move(700, 450);
      for (let i = 0; i < 8; i++) await page.mouse.wheel(0, 400);
      await page.evaluate(() => ((globalThis as unknown as { __orchGraph: { frames: number[] } }).__orchGraph.frames.length = 0));
      await page.mouse.move(700, 450);
      await page.mouse.down();
      for (let i = 0; i < 60; i++) {
        await page.mouse.move(700 - i * 5, 450 - i * 3);
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
      }
      await page.mouse.up();
      const frames = await page.evaluate(() => (globalThis as unknown as { __orchGraph: { frames: number[] } }).__orchGraph.frames);
      figures["graph_5k_frame_p95_ms"] = Number(percentile(frames, 95).toFixed(1));
      console.log(`graph 5000: ${frames.length} pan frames, draw p95 ${figures["graph_5k_frame_p95_ms"]} ms`);
    }
    if (n === 20_000) {
      figures["catalog_20k_ready_ms"] = await timeToReady(page, `${server.url}/#/catalog`, () => /^20000 of 20000/.test(document.querySelector("[data-testid=catalog-count]")?.textContent ?? ""));
      console.log(`catalog 20000: ready ${figures["catalog_20k_ready_ms"]} ms`);
    }
    await server.close();
  }

  const { server, runId } = await serve(10, 50_000);
  figures["run_log_50k_ready_ms"] = await timeToReady(page, `${server.url}/#/runs/${runId}`, () => (document.querySelector("[data-testid=event-log]")?.textContent ?? "").includes("line 0"));
  console.log(`run log 50000 events: first page shown in ${figures["run_log_50k_ready_ms"]} ms`);
  await server.close();
} finally {
  await browser.close();
}
console.log(JSON.stringify(figures));
