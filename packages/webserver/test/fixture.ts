import { asset, defineDefinitions, defineResource, executeQueuedRun, memoryIOManager, memoryStorage, schedule, sensor, staticPartitions, type InstanceStorage } from "@orch/core";
import { z } from "zod";
import { startWebserver, type RunningWebserver, type WebserverOptions } from "../src/index.ts";

/** A small project: a partitioned chain, an asset with config, one that fails until told not to, a schedule, a sensor, a resource with an env ref. */
export function fixtureDefinitions(state: { fail: boolean }) {
  const raw = asset({ key: ["raw", "events"], group: "ingest", kinds: ["json"], partitions: staticPartitions(["a", "b", "c"]), compute: () => [1, 2, 3] });
  const cleaned = asset({
    key: ["staging", "cleaned"],
    group: "staging",
    ins: { raw },
    partitions: staticPartitions(["a", "b", "c"]),
    config: z.object({ threshold: z.number().default(1) }),
    compute: ({ ins }) => ins.raw,
  });
  const flaky = asset({
    key: "flaky",
    group: "staging",
    compute: () => {
      if (state.fail) throw new Error("flaky source is down");
      return 1;
    },
  });
  return defineDefinitions({
    assets: [raw, cleaned, flaky],
    schedules: [schedule({ name: "nightly", cron: "0 1 * * *", target: "flaky", defaultStatus: "running" })],
    // Counts up from its cursor and asks for one run per tick, keyed by the cursor it started from.
    sensors: [sensor({ name: "counter", target: "flaky", evaluate: (ctx) => ({ cursor: String(Number(ctx.cursor ?? 0) + 1), runRequests: [{ runKey: `n${ctx.cursor ?? 0}` }] }) })],
    resources: { warehouse: defineResource({ config: z.object({ password: z.string() }), create: () => ({}) })({ password: { env: "WAREHOUSE_PASSWORD" } }) },
  });
}

export interface Fixture {
  readonly server: RunningWebserver;
  readonly instance: InstanceStorage;
  readonly state: { fail: boolean };
  readonly definitions: ReturnType<typeof fixtureDefinitions>;
  /** Runs queued runs here, as the daemon would (never the webserver itself). */
  drainQueue(): Promise<void>;
  /** fetch against the server, as the UI would (own Origin on mutations). */
  api(path: string, init?: RequestInit & { json?: unknown }): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startFixture(options: Partial<WebserverOptions> = {}): Promise<Fixture> {
  const state = { fail: false };
  const definitions = fixtureDefinitions(state);
  const instance = memoryStorage();
  // One IO manager for every run, as a project's filesystem one: a re-execution reads its parent's outputs.
  const io = memoryIOManager();
  const server = await startWebserver({
    definitions,
    instance,
    readOnly: false,
    port: 0,
    info: { instanceDir: "(memory)" },
    ...options,
  });
  return {
    server,
    instance,
    state,
    definitions,
    async drainQueue() {
      for (const run of await instance.getQueuedRuns()) await executeQueuedRun(definitions, instance, run.runId, { defaultIOManager: io }).catch(() => undefined);
    },
    async api(path, init = {}) {
      const { json, ...rest } = init;
      const method = rest.method ?? (json !== undefined ? "POST" : "GET");
      const headers = new Headers(rest.headers);
      if (method !== "GET" && !headers.has("origin")) headers.set("origin", server.url);
      if (json !== undefined) headers.set("content-type", "application/json");
      const response = await fetch(`${server.url}${path}`, { ...rest, method, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
      const text = await response.text();
      return { status: response.status, body: text.startsWith("{") ? JSON.parse(text) : text };
    },
    close: () => server.close(),
  };
}
