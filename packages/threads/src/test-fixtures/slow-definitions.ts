// Long steps for cancellation: one stops when its signal aborts, one ignores it (sync loop), plus tagged sleepers.
import { asset, defineDefinitions } from "@orch/core";

export const cooperative = asset({
  key: "cooperative",
  compute: ({ signal }) =>
    new Promise<string>((_resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("cooperative step was never canceled")), 30_000);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        reject(new Error("cooperative step stopped on abort"));
      });
    }),
});

export const stubborn = asset({
  key: "stubborn",
  compute: () => {
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      // ignores its signal: only terminating the worker stops it
    }
    return "finished";
  },
});

export const later = asset({ key: "later", ins: { cooperative, stubborn }, compute: () => "never" });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sleepers = ["a", "b", "c", "d", "e"].map((n) => asset({ key: `warehouse_${n}`, tags: { warehouse: "snowflake" }, compute: () => sleep(150).then(() => n) }));
const others = ["x", "y"].map((n) => asset({ key: `local_${n}`, compute: () => sleep(150).then(() => n) }));

export default defineDefinitions({ assets: [cooperative, stubborn, later, ...sleepers, ...others] });
