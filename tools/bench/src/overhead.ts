// Orchestration overhead: N trivial assets as a chain and as a fan-out (one root, N-1 children), in process
// with the in-memory instance; plus definitions + planning time for 10,000 assets.
import { asset, buildPlan, defineDefinitions, inProcessExecutor, materialize, memoryIOManager, memoryStorage, selectAssetKeys, type AssetDefinition } from "@orch/core";
import { chain } from "./_assets.ts";

function fanout(n: number): AssetDefinition[] {
  const root = asset({ key: "root", compute: () => 1 });
  const assets: AssetDefinition[] = [root];
  for (let i = 1; i < n; i++) assets.push(asset({ key: `c${i}`, ins: { root }, compute: ({ ins }) => (ins.root as number) + i }));
  return assets;
}

async function msPerAsset(make: (n: number) => AssetDefinition[], n: number): Promise<number> {
  const defs = defineDefinitions({ assets: make(n) });
  const run = () => materialize(defs, { instance: memoryStorage(), defaultIOManager: memoryIOManager(), executor: inProcessExecutor({ maxConcurrency: 2 }) });
  await run(); // warm-up: JIT and module caches
  const started = performance.now();
  const result = await run();
  const ms = performance.now() - started;
  if (!result.success) throw new Error(`run failed: ${result.status}`);
  return ms / n;
}

/** Median of five runs: constructing 10,000 assets, then defineDefinitions + selection + planning. */
function planMs(n: number): { assetsMs: number; definitionsMs: number; planningMs: number } {
  const runs: { assetsMs: number; definitionsMs: number; planningMs: number }[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const assets = chain(n);
    const built = performance.now();
    const defs = defineDefinitions({ assets });
    const defined = performance.now();
    const plan = buildPlan(defs, { assetKeys: selectAssetKeys(defs, `+a${n - 1}`) });
    const done = performance.now();
    if (plan.steps.length !== n) throw new Error("plan is incomplete");
    runs.push({ assetsMs: built - started, definitionsMs: defined - built, planningMs: done - defined });
  }
  const median = (pick: (r: (typeof runs)[number]) => number) => runs.map(pick).sort((a, b) => a - b)[2]!;
  return { assetsMs: median((r) => r.assetsMs), definitionsMs: median((r) => r.definitionsMs), planningMs: median((r) => r.planningMs) };
}

const figures: Record<string, number> = {};
for (const n of [100, 1000, 10000]) {
  const c = await msPerAsset(chain, n);
  const f = await msPerAsset(fanout, n);
  figures[`chain_ms_per_asset_${n}`] = round(c);
  figures[`fanout_ms_per_asset_${n}`] = round(f);
  console.log(`N=${n}: chain ${c.toFixed(3)} ms/asset, fan-out ${f.toFixed(3)} ms/asset`);
}
planMs(10000); // warm-up
const plan = planMs(10000);
const planTotal = plan.definitionsMs + plan.planningMs;
console.log(
  `10,000 assets (median of 5): asset() calls ${plan.assetsMs.toFixed(1)} ms; defineDefinitions ${plan.definitionsMs.toFixed(1)} ms + selection and planning ${plan.planningMs.toFixed(1)} ms = ${planTotal.toFixed(1)} ms`,
);
console.log(
  JSON.stringify({
    bench: "overhead",
    n: 1000,
    chain_ms_per_asset: figures["chain_ms_per_asset_1000"],
    fanout_ms_per_asset: figures["fanout_ms_per_asset_1000"],
    plan_10k_ms: round(planTotal),
    assets_10k_ms: round(plan.assetsMs),
    ...figures,
  }),
);

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
