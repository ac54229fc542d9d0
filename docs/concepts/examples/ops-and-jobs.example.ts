/**
 * The example from docs/concepts/ops-and-jobs.md. Run it with
 * `node --conditions=@orch/source docs/concepts/examples/ops-and-jobs.example.ts`; packages/core/src/ops/docs-example.test.ts runs it in CI
 * and checks what it returns.
 */
import { z } from "zod";
import { defineDefinitions, dynamicOut, graph, In, job, makeStepLogger, memoryIOManager, memoryStorage, op, Out, runJob } from "@orch/core";

interface Order {
  readonly id: number;
  readonly region: string;
  readonly amount: number;
}

// One op with config: the orders of the day.
const fetchOrders = op({
  name: "fetch_orders",
  config: z.object({ minAmount: z.number().default(0) }),
  compute: ({ config }): Order[] =>
    [
      { id: 1, region: "north", amount: 120 },
      { id: 2, region: "south", amount: 80 },
      { id: 3, region: "north", amount: -5 },
      { id: 4, region: "east", amount: 42 },
    ].filter((o) => o.amount >= config.minAmount || o.amount < 0),
});

// Two outputs; `rejected` is optional: when it is not emitted, its downstream steps are skipped.
const validate = op({
  name: "validate",
  ins: { orders: In<Order[]>() },
  outs: { valid: Out<Order[]>(), rejected: Out<Order[]>({ optional: true }) },
  compute: ({ ins }) => {
    const valid = ins.orders.filter((o) => o.amount >= 0);
    const rejected = ins.orders.filter((o) => o.amount < 0);
    return rejected.length ? { valid, rejected } : { valid };
  },
});

const alertOnRejects = op({ name: "alert_on_rejects", ins: { rejected: In<Order[]>() }, compute: ({ ins, log }) => log.warn(`${ins.rejected.length} orders rejected`) });

// A dynamic output: one key per region; downstream ops run once per key.
const byRegion = op({
  name: "by_region",
  ins: { orders: In<Order[]>() },
  out: dynamicOut<Order[]>(),
  compute: ({ ins }) => {
    const regions = new Map<string, Order[]>();
    for (const order of ins.orders) regions.set(order.region, [...(regions.get(order.region) ?? []), order]);
    return regions;
  },
});

const regionTotal = op({ name: "region_total", ins: { orders: In<Order[]>() }, compute: ({ ins, mappingKey }) => ({ region: mappingKey!, total: ins.orders.reduce((s, o) => s + o.amount, 0) }) });

const report = op({
  name: "report",
  ins: { totals: In<{ region: string; total: number }[]>() },
  compute: ({ ins }) => ins.totals.map((t) => `${t.region}=${t.total}`).join(", "),
});

// A graph: reusable wiring, its steps namespaced (`totals.by_region`, `totals.region_total[north]`).
const totals = graph({ name: "totals", build: (orders: ReturnType<typeof fetchOrders>) => byRegion(orders).map((o) => regionTotal(o)).collect() });

export const dailyOrders = job({
  name: "daily_orders",
  graph: () => {
    const { valid, rejected } = validate(fetchOrders());
    alertOnRejects(rejected);
    report(totals(valid));
  },
});

export const definitions = defineDefinitions({ jobs: [dailyOrders] });

export async function runOpsExample(): Promise<{ status: string; steps: string[]; report: unknown }> {
  const instance = memoryStorage();
  const io = memoryIOManager();
  const result = await runJob(definitions, "daily_orders", {
    instance,
    defaultIOManager: io,
    runConfig: { ops: { fetch_orders: { config: { minAmount: 50 } } } },
  });
  // Op outputs are stored by run, step and output: read the report back like a downstream step would.
  const report = await io.loadInput({
    runId: result.runId,
    stepKey: "reader",
    inputName: "report",
    upstreamOutput: { runId: result.runId, stepKey: "report", outputName: "result", definitionMetadata: {} },
    log: makeStepLogger(() => undefined),
  });
  return { status: result.status, steps: result.stepOutcomes.map((o) => `${o.stepKey}:${o.status}`), report };
}

if (import.meta.main) console.log(await runOpsExample());
