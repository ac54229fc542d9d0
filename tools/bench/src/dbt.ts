// dbt manifest load + asset construction (dbtAssets): the largest real fixture and synthetic manifests of 5,000 and 50,000 nodes.
// Each measurement runs in a fresh child process so peak RSS belongs to that manifest alone.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateManifest } from "../../gen-dbt-manifest/generate.ts";

const here = fileURLToPath(import.meta.url);

if (process.argv[2] === "--measure") {
  const { loadManifest, dbtAssets } = await import("@orch/dbt");
  const path = process.argv[3] as string;
  const t0 = performance.now();
  const manifest = loadManifest(path);
  const t1 = performance.now();
  // The whole asset construction: selection, translator, specs, checks and the executable node.
  const defs = dbtAssets({ manifest });
  const ms = performance.now() - t0;
  const peak = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ ms, loadMs: t1 - t0, mapMs: ms - (t1 - t0), peakMb: peak, nodes: manifest.nodes.size, specs: defs.specs.length, checks: defs.checks?.length ?? 0 }));
  process.exit(0);
}

function measure(path: string): { ms: number; loadMs: number; mapMs: number; peakMb: number; nodes: number; specs: number; checks: number } {
  const run = spawnSync(process.execPath, ["--conditions=@orch/source", here, "--measure", path], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`measuring ${path} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split("\n").pop() as string);
}

const dir = mkdtempSync(join(tmpdir(), "orch-bench-dbt-"));
// The largest real manifest stored (gzip-compressed) with the dbt package's test fixtures.
const largestReal = join(dir, "flipside_aleo_models-v12.json");
writeFileSync(largestReal, gunzipSync(readFileSync(fileURLToPath(new URL("../../../integrations/dbt/test/fixtures/manifests/flipside_aleo_models-v12.json.gz", import.meta.url)))));
try {
  const real = measure(largestReal);
  console.log(`largest real (${real.nodes} nodes, ${(statSync(largestReal).size / 2 ** 20).toFixed(1)} MB): ${real.ms.toFixed(0)} ms, peak RSS ${real.peakMb.toFixed(0)} MB`);
  const figures: Record<string, number> = {};
  for (const n of [5_000, 50_000]) {
    const path = join(dir, `manifest-${n}.json`);
    await generateManifest(n, path);
    const mb = statSync(path).size / 2 ** 20;
    const r = measure(path);
    console.log(
      `synthetic ${n} nodes (${mb.toFixed(1)} MB): ${r.ms.toFixed(0)} ms (load ${r.loadMs.toFixed(0)}, assets ${r.mapMs.toFixed(0)}), peak RSS ${r.peakMb.toFixed(0)} MB (${(r.peakMb / mb).toFixed(1)}× the file), ${r.specs} assets, ${r.checks} checks`,
    );
    figures[`ms_${n}`] = r.ms;
    figures[`rss_${n}`] = r.peakMb;
    figures[`mb_${n}`] = mb;
  }
  console.log(
    JSON.stringify({
      bench: "dbt",
      nodes_5k_ms: Math.round(figures["ms_5000"] as number),
      nodes_50k_ms: Math.round(figures["ms_50000"] as number),
      peak_rss_50k_mb: Math.round(figures["rss_50000"] as number),
      peak_rss_50k_x_file: Math.round(((figures["rss_50000"] as number) / (figures["mb_50000"] as number)) * 100) / 100,
      largest_real_ms: Math.round(real.ms),
      manifest_50k_mb: Math.round((figures["mb_50000"] as number) * 10) / 10,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
