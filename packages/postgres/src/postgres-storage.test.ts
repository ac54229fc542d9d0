import { describeStorageContract } from "@orch/core/testing";
import type { OrchEvent } from "@orch/core";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { postgresStorage, type PostgresStorage } from "./postgres-storage.ts";
import { MIGRATIONS } from "./migrations.ts";

const url = inject("pgUrl");
if (url === "") throw new Error("PostgreSQL server binaries not found: apt-get install -y postgresql (or set ORCH_PG_BINDIR).");
let counter = 0;
const freshSchema = () => `t${process.pid}_${++counter}`;

describeStorageContract("postgres", () => postgresStorage({ url, schema: freshSchema(), poolSize: 4 }), {
  reopen: (closed) => postgresStorage({ url, schema: (closed as PostgresStorage).schema, poolSize: 4 }),
});

describeStorageContract("postgres (durability: power)", () => postgresStorage({ url, schema: freshSchema(), poolSize: 4, durability: "power" }));

function log(runId: string, message: string): OrchEvent {
  return { type: "LOG", runId, timestamp: 1, level: "info", message };
}

describe("postgresStorage", () => {
  it("beats for many runs at once from one thread, on through a blocked event loop, each until it is stopped", async () => {
    const storage = postgresStorage({ url, schema: freshSchema(), poolSize: 2 });
    await storage.ready();
    const handles = ["r1", "r2", "r3"].map((runId) => storage.startHeartbeat(runId, 20));
    const beatOf = async (runId: string) => (await storage.getHeartbeat(runId)) ?? 0;
    const deadline = Date.now() + 10_000;
    while ((await Promise.all(["r1", "r2", "r3"].map(beatOf))).some((at) => at === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await handles[0]!.stop();
    const stoppedAt = await beatOf("r1");
    const before = await beatOf("r2");
    // The main thread blocks; the other runs keep beating.
    const blockUntil = Date.now() + 300;
    while (Date.now() < blockUntil);
    expect(await beatOf("r2")).toBeGreaterThan(before);
    expect(await beatOf("r1")).toBe(stoppedAt);
    await Promise.all(handles.slice(1).map((h) => h.stop()));
    const last = await Promise.all(["r2", "r3"].map(beatOf));
    await new Promise((r) => setTimeout(r, 100));
    expect(await Promise.all(["r2", "r3"].map(beatOf))).toEqual(last);
    await storage.close();
  });

  it("migrates once when several processes' storages open the same schema at the same time", async () => {
    const schema = freshSchema();
    const storages = Array.from({ length: 4 }, () => postgresStorage({ url, schema, poolSize: 2 }));
    const applied = await Promise.all(storages.map((s) => s.ready()));
    expect(applied.flat().sort()).toEqual(MIGRATIONS.map((m) => m.version));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query(`SELECT version FROM ${schema}.orch_migrations ORDER BY version`);
    await client.end();
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    await Promise.all(storages.map((s) => s.close()));
  });

  it("writes concurrent appends in few round trips, in call order", async () => {
    const storage = postgresStorage({ url, schema: freshSchema(), poolSize: 2 });
    await storage.ready();
    await Promise.all(Array.from({ length: 500 }, (_, i) => storage.appendEvents([log("r1", `m${i}`)])));
    expect(storage.stats().eventsWritten).toBe(500);
    expect(storage.stats().eventBatches).toBeLessThanOrEqual(2);
    const messages = (await storage.getEvents("r1")).map((e) => (e.type === "LOG" ? e.message : ""));
    expect(messages).toEqual(Array.from({ length: 500 }, (_, i) => `m${i}`));
    await storage.close();
  });

  it("refuses only the call whose run ended when calls share a batch", async () => {
    const storage = postgresStorage({ url, schema: freshSchema(), poolSize: 2 });
    await storage.createRun({ runId: "done", jobName: "j", status: "SUCCESS", tags: {}, createdAt: 1 } as never);
    const results = await Promise.allSettled([
      storage.appendEvents([log("live", "a")]),
      storage.appendEvents([log("live", "b"), log("done", "late")]),
      storage.appendEvents([log("live", "c")]),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason.code).toBe("RUN_ALREADY_ENDED");
    expect((await storage.getEvents("live")).map((e) => (e.type === "LOG" ? e.message : ""))).toEqual(["a", "c"]);
    expect(await storage.getEvents("done")).toEqual([]);
    await storage.close();
  });

  it("pushes new event ids to watchers in other processes' storages through LISTEN/NOTIFY", async () => {
    const schema = freshSchema();
    const writer = postgresStorage({ url, schema, poolSize: 2 });
    const reader = postgresStorage({ url, schema, poolSize: 2 });
    const seen: number[] = [];
    let arrive!: () => void;
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    const stop = await reader.watchEvents((id) => {
      seen.push(id);
      arrive();
    });
    await writer.appendEvents([log("r1", "hello")]);
    await arrived;
    expect(seen[0]).toBe(await reader.getLatestEventId());
    await stop();
    await writer.close();
    await reader.close();
  });
});
