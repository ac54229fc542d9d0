import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeTableIOManagerContract } from "@orch/core/testing";
import { afterAll } from "vitest";
import { duckdbClient } from "./duckdb-client.ts";
import { openDuckDB } from "./duckdb-database.ts";

const dir = mkdtempSync(join(tmpdir(), "orch-duckdb-contract-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeTableIOManagerContract("duckdb file, opened per operation", {
  makeClient: () => duckdbClient({ path: join(dir, "contract.duckdb") }, { tempDir: dir }),
  reportsQueryId: true,
});

describeTableIOManagerContract("duckdb file, held open", {
  makeClient: async () => duckdbClient(await openDuckDB({ path: join(dir, "held.duckdb") }), { tempDir: dir }),
});

describeTableIOManagerContract("duckdb in memory", {
  makeClient: async () => duckdbClient(await openDuckDB({ path: ":memory:" })),
});
