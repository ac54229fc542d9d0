// Each test file gets its own DuckDB warehouse: test files run in parallel processes, and DuckDB allows one
// writer process per file.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

process.env.QUICKSTART_WAREHOUSE = join(mkdtempSync(join(tmpdir(), "orch-quickstart-warehouse-")), "warehouse.duckdb");
