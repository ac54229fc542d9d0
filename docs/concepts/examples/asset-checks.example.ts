// docs/concepts/asset-checks.md — a runnable example (run by packages/core/src/docs-examples.test.ts).
import { asset, assetCheck, defineDefinitions, materialize, memoryStorage } from "@orch/core";

export const payments = asset({ key: "payments", compute: () => [{ id: "p1", amount: 12 }, { id: "p2", amount: -3 }] });
export const dailyTotal = asset({ key: "daily_total", ins: { payments }, compute: ({ ins }) => ins.payments.reduce((s, p) => s + p.amount, 0) });

// Warns but does not block.
export const hasRows = assetCheck({ asset: payments, name: "has_rows", severity: "warn", check: ({ value }) => value.length > 0 });

// Blocks: a negative amount means the feed is broken, so daily_total must not be computed from it.
export const nonNegative = assetCheck({
  asset: payments,
  name: "non_negative_amounts",
  blocking: true,
  check: ({ value }) => {
    const bad = value.filter((p) => p.amount < 0);
    return { passed: bad.length === 0, description: `${bad.length} negative amounts`, metadata: { failing_ids: bad.map((p) => p.id) } };
  },
});

export async function main() {
  const instance = memoryStorage();
  const result = await materialize(defineDefinitions({ assets: [payments, dailyTotal], checks: [hasRows, nonNegative] }), { instance });
  const evaluations = await instance.getAssetEvents("payments", ["ASSET_CHECK_EVALUATION"]);
  const skipped = (await instance.getEvents(result.runId)).filter((e) => e.type === "STEP_SKIPPED");
  return { status: result.status, evaluations, skipped };
}
