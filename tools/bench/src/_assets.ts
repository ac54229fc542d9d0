// Synthetic asset graphs shared by the benchmarks (files starting with "_" are not benchmarks themselves).
import { asset, type AssetDefinition } from "@orch/core";

/** N trivial assets, each reading the one before it. */
export function chain(n: number): AssetDefinition[] {
  const assets: AssetDefinition[] = [];
  for (let i = 0; i < n; i++) {
    const prev = assets[i - 1];
    assets.push(prev ? asset({ key: `a${i}`, ins: { prev }, compute: ({ ins }) => (ins.prev as number) + 1 }) : asset({ key: "a0", compute: () => 0 }));
  }
  return assets;
}
