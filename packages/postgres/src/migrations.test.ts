import { encodeEvent, type OrchEvent } from "@orch/core";
import { describe, expect, inject, it } from "vitest";
import { MIGRATIONS, migrate } from "./migrations.ts";
import { openPool } from "./pool.ts";
import { postgresStorage } from "./postgres-storage.ts";

const url = inject("pgUrl");
if (url === "") throw new Error("PostgreSQL server binaries not found: apt-get install -y postgresql (or set ORCH_PG_BINDIR).");

function check(runId: string, passed: boolean): OrchEvent {
  return { type: "ASSET_CHECK_EVALUATION", runId, timestamp: 1, assetKey: ["a"], checkName: "rows", passed, severity: "warn", blocking: false, metadata: {} };
}

describe("schema migrations", () => {
  it("fills the check index from the log when migrating to version 2, so existing check results show", async () => {
    const schema = `m${process.pid}`;
    const pool = openPool({ url, schema });
    try {
      await migrate(pool, schema, MIGRATIONS.filter((m) => m.version < 2));
      for (const event of [check("r1", false), check("r2", true)]) {
        const row = encodeEvent(event);
        await pool.query("INSERT INTO event_logs (run_id, type, step_key, asset_key, partition, timestamp, body) VALUES ($1, $2, $3, $4, $5, $6, $7)", [
          row.run_id, row.type, row.step_key, row.asset_key, row.partition, row.timestamp, row.body,
        ]);
      }
    } finally {
      await pool.end();
    }
    const storage = postgresStorage({ url, schema, poolSize: 2 });
    expect(await storage.ready()).toEqual([2]);
    expect((await storage.getLatestCheckResults()).map((e) => [e.checkName, e.runId, e.passed, e.severity])).toEqual([["rows", "r2", true, "warn"]]);
    await storage.close();
  });
});
