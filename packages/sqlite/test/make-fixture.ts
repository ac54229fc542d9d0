/**
 * Writes test/fixtures/v1.db: an instance as schema version 1 left it, for the migration test. Rows are
 * written with plain SQL in the v1 layout, as the @orch/sqlite of that version wrote them. Run it only to
 * recreate the committed fixture: `node --conditions=@orch/source test/make-fixture.ts`.
 */
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { MIGRATIONS, migrate } from "../src/migrations.ts";

const path = fileURLToPath(new URL("./fixtures/v1.db", import.meta.url));
rmSync(path, { force: true });
const db = new Database(path);
migrate(db, path, MIGRATIONS.filter((migration) => migration.version === 1));

const run = db.prepare(
  "INSERT INTO runs (run_id, status, created_at, started_at, ended_at, status_reason, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
);
const tag = db.prepare("INSERT INTO run_tags (run_id, key, value) VALUES (?, ?, ?)");
const event = db.prepare(
  "INSERT INTO event_logs (run_id, type, step_key, asset_key, partition, timestamp, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
);
const index = db.prepare("INSERT INTO asset_index (asset_key, partition, last_materialization_id) VALUES (?, ?, ?)");

db.transaction(() => {
  const body = (assetKeys: string[]) =>
    JSON.stringify({ jobName: "daily", assetKeys, stepKeys: assetKeys, tags: { team: "data" }, runConfig: {} });
  run.run("run-old-1", "SUCCESS", 1_700_000_000_000, 1_700_000_000_100, 1_700_000_001_000, null, body(["raw/orders"]));
  run.run("run-old-2", "FAILURE", 1_700_000_100_000, 1_700_000_100_100, 1_700_000_101_000, "step raw/orders failed", body(["raw/orders"]));
  tag.run("run-old-1", "team", "data");
  tag.run("run-old-2", "team", "data");
  event.run("run-old-1", "RUN_START", null, null, null, 1_700_000_000_100, JSON.stringify({ stepKeys: ["raw/orders"] }));
  event.run("run-old-1", "STEP_START", "raw/orders", null, null, 1_700_000_000_200, JSON.stringify({ attempt: 1 }));
  const materialized = event.run(
    "run-old-1",
    "ASSET_MATERIALIZATION",
    "raw/orders",
    "raw/orders",
    "2023-11-14",
    1_700_000_000_300,
    JSON.stringify({ metadata: { rows: 42 } }),
  ).lastInsertRowid;
  index.run("raw/orders", "2023-11-14", materialized);
  event.run("run-old-1", "RUN_SUCCESS", null, null, null, 1_700_000_001_000, JSON.stringify({ durationMs: 900 }));
  event.run("run-old-2", "RUN_START", null, null, null, 1_700_000_100_100, JSON.stringify({ stepKeys: ["raw/orders"] }));
  db.prepare("INSERT INTO kv_state (namespace, key, value) VALUES ('sensor:new_files', 'cursor', '17')").run();
  db.prepare("INSERT INTO dynamic_partitions (name, partition_key) VALUES ('customers', 'acme')").run();
})();

// One self-contained file: no WAL beside it.
db.pragma("journal_mode = DELETE");
db.close();
console.log(`wrote ${path}`);
