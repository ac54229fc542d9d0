import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeTableIOManagerContract } from "@orch/core/testing";
import { afterAll } from "vitest";
import { duckdbClient } from "./duckdb-client.ts";
import { openDuckDB } from "./duckdb-database.ts";

const dir = mkdtempSync(join(tmpdir(), "orch-duckdb-contract-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeTableIOManagerContract("duckdb file", {
  makeClient: async () => duckdbClient(await openDuckDB({ path: join(dir, "contract.duckdb") }), { tempDir: dir }),
  reportsQueryId: true,
});

describeTableIOManagerContract("duckdb in memory", {
  makeClient: async () => duckdbClient(await openDuckDB({ path: ":memory:" })),
});
