import { asset } from "../asset.ts";
import { defineDefinitions, type DefinitionsInput } from "../definitions.ts";
import { job } from "../ops/job.ts";
import { dailyPartitions, staticPartitions } from "../partitions/index.ts";

const noop = () => 1;

/** A small project: raw orders (daily, Paris), marts on top of them, an unpartitioned and a static-partitioned asset. */
export function project(extra: Pick<DefinitionsInput, "schedules" | "sensors" | "resources"> = {}) {
  const daily = dailyPartitions({ start: "2024-01-01", timezone: "Europe/Paris" });
  const orders = asset({ key: ["raw", "orders"], group: "sales", partitions: daily, compute: noop });
  const revenue = asset({ key: ["marts", "revenue"], group: "marts", partitions: daily, deps: [orders], compute: noop });
  const report = asset({ key: "report", compute: noop });
  const regions = asset({ key: "regions", partitions: staticPartitions(["eu", "us"]), compute: noop });
  return defineDefinitions({
    assets: [orders, revenue, report, regions],
    jobs: [job({ name: "nightly", selection: "report" })],
    ...extra,
  });
}
